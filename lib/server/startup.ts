import "server-only";
import {
  APIError,
  ConnectionError,
  ForbiddenError,
  NotFoundError,
  ProtocolError,
  type RequestOptions,
  TimeoutError,
  UnauthorizedError,
  type VectaraClient,
} from "@/lib/vectara";

/**
 * Remote mode's start-up checks: before Parley accepts a request, it proves that the
 * Vectara it was given can serve the chatbot, so a wrong key or corpus is one clear
 * message at start instead of an error on every visitor's first question.
 *
 * What is checked, in order, each with read-only calls that change nothing upstream:
 *   1. Vectara answers, and accepts the credentials: `GET /v2/corpora/{key}` (401 = key
 *      or OAuth client refused; no answer = wrong URL or network).
 *   2. The corpus exists and the key may see it: the same call (404 = missing, 403 = the
 *      key is scoped to other corpora).
 *   3. The key may query the corpus: `GET /v2/corpora/{key}/query` with `limit: 1` and
 *      no history saved, a plain search that stores nothing.
 *   4. The key may list chats: `GET /v2/chats?limit=1` (history and the agent views).
 *
 * What is NOT checked, because only doing it would prove it and doing it has side
 * effects: creating chats and turns (`POST /v2/chats`; Parley's own engine wants a
 * `serving_and_indexing` key for it, and Vectara's rights are per key), updating turns
 * (moderation) and deleting chats. A key that passes these checks but lacks those rights
 * still fails, per request, with the chat's "refused Parley's credentials" error.
 */

export type StartupCheck = "reachable" | "corpus" | "query" | "list_chats";

export type StartupResult = { ok: true } | { ok: false; check: StartupCheck; message: string };

export interface StartupCheckOptions {
  client: VectaraClient;
  /** Shown in messages; never the key. */
  baseUrl: string;
  corpusKey: string;
  /** How the client authenticates, to name the right variables in a message. */
  authKind: "api_key" | "oauth";
  /** Per attempt. Default 5 s. */
  timeoutMs?: number;
  /**
   * Retries of connection errors, timeouts and 5xx (the client's own backoff: 0.5 s,
   * 1 s, 2 s…). Default 3, so an upstream that starts a few seconds after Parley is
   * waited for, and a wrong URL still fails within seconds.
   */
  retries?: number;
}

const PREFIX = "Parley cannot start in remote mode:";

/** Runs the checks in order and stops at the first failure. Never throws. */
export async function checkRemoteUpstream(options: StartupCheckOptions): Promise<StartupResult> {
  const { client, corpusKey } = options;
  const call: RequestOptions = {
    timeoutMillis: options.timeoutMs ?? 5_000,
    maxRetries: options.retries ?? 3,
  };
  const steps: Array<{ check: StartupCheck; run: () => Promise<unknown> }> = [
    { check: "corpus", run: () => client.corpora.get(corpusKey, call) },
    {
      check: "query",
      run: () =>
        client.query.search(
          corpusKey,
          { query: "parley start-up check", limit: 1, save_history: false },
          call,
        ),
    },
    { check: "list_chats", run: () => client.chats.list({ limit: 1 }, call) },
  ];
  for (const step of steps) {
    try {
      await step.run();
    } catch (error) {
      return { ok: false, ...describeStartupFailure(error, step.check, options) };
    }
  }
  return { ok: true };
}

/** One sentence for an operator: what failed, and which variable to look at. */
export function describeStartupFailure(
  error: unknown,
  step: StartupCheck,
  { baseUrl, corpusKey, authKind, timeoutMs = 5_000 }: Omit<StartupCheckOptions, "client">,
): { check: StartupCheck; message: string } {
  const at = `Vectara at ${baseUrl}`;
  const credentials =
    authKind === "oauth"
      ? {
          what: "the OAuth client credentials",
          vars: "VECTARA_CLIENT_ID and VECTARA_CLIENT_SECRET",
        }
      : { what: "the API key", vars: "VECTARA_API_KEY" };
  const say = (check: StartupCheck, text: string) => ({ check, message: `${PREFIX} ${text}` });

  if (error instanceof TimeoutError) {
    return say(
      "reachable",
      `${at} did not answer within ${timeoutMs} ms. Check VECTARA_BASE_URL and that Vectara is reachable from this machine.`,
    );
  }
  if (error instanceof ConnectionError) {
    return say(
      "reachable",
      `${at} could not be reached (${reason(error)}). Check VECTARA_BASE_URL and the network.`,
    );
  }
  if (error instanceof UnauthorizedError) {
    return say("reachable", `${at} refused ${credentials.what} (401). Check ${credentials.vars}.`);
  }
  if (error instanceof ForbiddenError) {
    const denied =
      step === "corpus"
        ? `has no access to corpus '${corpusKey}'`
        : step === "query"
          ? `may not query corpus '${corpusKey}'`
          : "may not list chats";
    return say(
      step,
      `${at} says ${credentials.what} ${denied} (403). Give it query and chat rights on '${corpusKey}', or check ${credentials.vars} and VECTARA_CORPUS_KEY.`,
    );
  }
  if (error instanceof NotFoundError && step === "corpus") {
    return say(
      "corpus",
      `${at} has no corpus '${corpusKey}' (404). Check VECTARA_CORPUS_KEY, or create the corpus and ingest the knowledge base (npm run ingest).`,
    );
  }
  if (error instanceof APIError) {
    return say(
      step === "corpus" ? "reachable" : step,
      `${at} answered ${error.status} to the ${STEP_NAMES[step]} check. Check VECTARA_BASE_URL, and try again once Vectara is healthy.`,
    );
  }
  if (error instanceof ProtocolError) {
    return say(
      "reachable",
      `${at} did not answer like Vectara's API (${error.message}). Check VECTARA_BASE_URL.`,
    );
  }
  return say(
    step,
    `the ${STEP_NAMES[step]} check against ${at} failed: ${error instanceof Error ? error.message : String(error)}.`,
  );
}

const STEP_NAMES: Record<StartupCheck, string> = {
  reachable: "connection",
  corpus: "corpus",
  query: "query",
  list_chats: "chat listing",
};

/** The innermost cause's words (ECONNREFUSED, ENOTFOUND…), without the client's prefix. */
function reason(error: ConnectionError): string {
  let cause: unknown = error.cause;
  while (cause instanceof Error && (cause as { cause?: unknown }).cause instanceof Error) {
    cause = (cause as { cause?: unknown }).cause;
  }
  if (cause instanceof Error) {
    const code = (cause as { code?: unknown }).code;
    return typeof code === "string" && !cause.message.includes(code)
      ? `${code}: ${cause.message}`
      : cause.message;
  }
  return error.message.replace(/^Could not reach Vectara: /, "");
}
