import "server-only";
import { errorFields, getLogger } from "@/lib/observability/log";
import { getMetrics } from "@/lib/observability/metrics";
import {
  AbortError,
  APIError,
  BadRequestError,
  ConflictError,
  ConnectionError,
  ForbiddenError,
  InvalidRequestError,
  NotFoundError,
  ProtocolError,
  RateLimitError,
  StreamError,
  TimeoutError,
  UnauthorizedError,
} from "@/lib/vectara";
import { AppError, type AppErrorCode, type Audience } from "./errors";

/**
 * Everything that can go wrong between Parley and Vectara (or the local engine), said in
 * the app's one error vocabulary, for each audience from one table:
 *
 * - **visitor**: what happened in words a visitor understands, and whether retrying can
 *   help. Vectara's own messages are never shown: they can name corpora and keys.
 * - **agent**: the support console. The visitor's words, with `:staff` codes; a 400
 *   keeps Vectara's text, since the agent wrote the filter and needs to know what is wrong.
 * - **admin**: the corpus pages. Vectara's messages as they are ("unsupported file
 *   type", "invalid filter near 'x'"): the reader runs the knowledge base.
 *
 * `instanceof` holds across Next's copies of lib/vectara (`Symbol.hasInstance` in
 * lib/vectara/errors.ts), so errors are matched by class, never by shape.
 */

/** What went wrong, whoever is told. */
type Kind =
  | "rate_limited"
  | "not_found"
  | "bad_request"
  | "conflict"
  | "refused"
  | "timeout"
  | "interrupted"
  | "unavailable"
  | "stopped"
  | "unexpected";

/** `midStream`: the answer had already started streaming when the error came. */
function kindOf(error: unknown, midStream: boolean): Kind {
  // A connection lost once the answer has started is an interrupted answer.
  if (midStream && error instanceof ConnectionError) return "interrupted";
  if (error instanceof RateLimitError) return "rate_limited";
  if (error instanceof NotFoundError) return "not_found";
  // BadRequestError is Vectara's 400, 413, 415 and 422.
  if (error instanceof BadRequestError || error instanceof InvalidRequestError) {
    return "bad_request";
  }
  if (error instanceof ConflictError) return "conflict";
  if (error instanceof UnauthorizedError || error instanceof ForbiddenError) return "refused";
  if (error instanceof TimeoutError) return "timeout";
  if (error instanceof StreamError || error instanceof ProtocolError) return "interrupted";
  if (error instanceof ConnectionError || error instanceof APIError) return "unavailable";
  if (error instanceof AbortError) return "stopped";
  return "unexpected";
}

/** One cell of the table: the code, and the message (fixed, or read from the error). */
type Say = [AppErrorCode, string | ((error: unknown) => string)];

const VISITOR: Record<Kind, Say> = {
  rate_limited: [
    "rate_limit:chat",
    "The answer service is busy right now. Please try again in a moment.",
  ],
  not_found: ["not_found:chat", "This conversation no longer exists."],
  bad_request: [
    "bad_request:chat",
    "The answer service could not take this question. Try rephrasing it.",
  ],
  conflict: ["upstream:chat", "The answer service is unavailable right now. Please try again."],
  refused: [
    "upstream:chat",
    "The answer service refused Parley's credentials. Please tell the site's administrators.",
  ],
  timeout: ["timeout:chat", "The answer service took too long to respond. Please try again."],
  interrupted: ["stream:chat", "The answer was interrupted before it finished. Please try again."],
  unavailable: ["upstream:chat", "The answer service is unavailable right now. Please try again."],
  stopped: ["stream:chat", "The answer was stopped."],
  unexpected: ["internal:chat", "Something went wrong on Parley's side."],
};

const visitorSays = (kind: Kind) => VISITOR[kind][1] as string;
const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** Vectara's first message (or field error), as Vectara said it. */
function vectaraSays(error: unknown): string {
  if (error instanceof APIError) {
    const fields = Object.entries(error.fieldErrors).map(([k, v]) => `${k}: ${v}`);
    return [...error.messages, ...fields].find((m) => m.trim().length > 0) ?? error.message;
  }
  return messageOf(error);
}

const ADMIN: Record<Kind, Say> = {
  rate_limited: ["upstream:staff", "Vectara is rate-limiting Parley. Try again shortly."],
  not_found: ["not_found:staff", vectaraSays],
  bad_request: [
    "bad_request:staff",
    (e) => (e instanceof APIError ? vectaraSays(e) : messageOf(e)),
  ],
  conflict: ["conflict:staff", vectaraSays],
  refused: [
    "upstream:staff",
    (e) => `Vectara refused Parley's credentials (${(e as APIError).status}): ${vectaraSays(e)}`,
  ],
  timeout: ["upstream:staff", "Vectara took too long to respond."],
  interrupted: ["upstream:staff", (e) => `Vectara failed: ${messageOf(e)}`],
  unavailable: ["upstream:staff", (e) => `Vectara failed: ${messageOf(e)}`],
  stopped: ["upstream:staff", "The request to Vectara was aborted."],
  unexpected: [
    "upstream:staff",
    (e) => (e instanceof Error ? `Unexpected failure: ${e.message}` : "Unexpected failure."),
  ],
};

/** An agent is told what a visitor would be, with `:staff` codes; a bad filter in Vectara's words. */
function agentSays(kind: Kind): Say {
  if (kind === "bad_request") return ["bad_request:staff", messageOf];
  return [kind === "not_found" ? "not_found:staff" : "upstream:staff", visitorSays(kind)];
}

const TABLE: Record<Audience, (kind: Kind) => Say> = {
  visitor: (kind) => VISITOR[kind],
  agent: agentSays,
  admin: (kind) => ADMIN[kind],
};

/** Seconds to wait after a 429: Vectara's Retry-After, at least 1 s; 5 s when it gives none. */
function retryAfterOf(error: unknown): number | undefined {
  if (!(error instanceof RateLimitError)) return undefined;
  const ms = error.retryAfterMs;
  return ms === undefined ? 5 : Math.max(1, Math.ceil(ms / 1000));
}

/**
 * Says `error` to `audience`. An AppError passes through as it is; anything else keeps
 * its cause. Field errors reach admins only (a visitor's are Vectara's internals), and an
 * agent's failure upstream is logged, since the agent cannot fix it (an admin's failures
 * are logged by `staffAction`, or shown to the admin who can).
 */
export function toAppError(
  error: unknown,
  { audience, midStream = false }: { audience: Audience; midStream?: boolean },
): AppError {
  if (error instanceof AppError) return error;
  const kind = kindOf(error, midStream);
  // The visitor's own Stop is no failure.
  if (kind !== "stopped") getMetrics().upstreamErrors.inc({ kind });
  const [code, say] = TABLE[audience](kind);
  const message = typeof say === "string" ? say : say(error);
  const retryAfter =
    audience === "agent" || kind !== "rate_limited" ? undefined : retryAfterOf(error);
  const fieldErrors =
    audience === "admin" && kind === "bad_request" ? fieldErrorsOf(error) : undefined;
  if (audience === "agent" && code === "upstream:staff") {
    getLogger().error({ kind, ...errorFields(error) }, "a staff request failed upstream");
  }
  return new AppError(code, message, { cause: error, retryAfter, fieldErrors });
}

function fieldErrorsOf(error: unknown): Record<string, string> | undefined {
  const fields =
    error instanceof APIError || error instanceof InvalidRequestError
      ? error.fieldErrors
      : undefined;
  return fields && Object.keys(fields).length > 0 ? fields : undefined;
}
