import { afterEach, describe, expect, it, vi } from "vitest";
import { checkRemoteUpstream, type StartupCheckOptions } from "@/lib/server/startup";
import { createVectaraClient } from "@/lib/vectara";
import { makeEngine } from "../support/engine";
import { serveEngine } from "../support/serve-engine";

vi.mock("server-only", () => ({}));

// Remote mode's start-up checks against a real engine over real HTTP: the same requests,
// statuses and error bodies Parley would get from Vectara.

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

async function served() {
  const fixture = makeEngine();
  const server = await serveEngine(fixture.engine);
  closers.push(server.close);
  return { ...fixture, url: server.url };
}

async function createKey(
  engine: { handle(r: Request): Promise<Response>; apiKey: string },
  role: "serving" | "serving_and_indexing",
  corpusKeys: string[],
): Promise<string> {
  const response = await engine.handle(
    new Request("http://parley.local/v2/api_keys", {
      method: "POST",
      headers: { "x-api-key": engine.apiKey, "content-type": "application/json" },
      body: JSON.stringify({ name: "startup test", api_key_role: role, corpus_keys: corpusKeys }),
    }),
  );
  expect(response.status).toBe(201);
  return ((await response.json()) as { secret_key: string }).secret_key;
}

function check(
  url: string,
  apiKey: string,
  overrides: Partial<Omit<StartupCheckOptions, "client">> = {},
) {
  return checkRemoteUpstream({
    client: createVectaraClient({ baseUrl: url, auth: { type: "api_key", apiKey } }),
    baseUrl: url,
    corpusKey: "support_kb",
    authKind: "api_key",
    timeoutMs: 2_000,
    retries: 1,
    ...overrides,
  });
}

describe("remote-mode start-up checks", () => {
  it("pass with a key that may read the corpus, query it and list chats", async () => {
    const { client, engine, url } = await served();
    await client.corpora.create({ key: "support_kb" });
    expect(await check(url, engine.apiKey)).toEqual({ ok: true });
    // A serving key scoped to the corpus is enough: nothing the checks do needs more.
    const serving = await createKey(engine, "serving", ["support_kb"]);
    expect(await check(url, serving)).toEqual({ ok: true });
  });

  it("store nothing upstream: no chat is created by the checks", async () => {
    const { client, engine, url } = await served();
    await client.corpora.create({ key: "support_kb" });
    await check(url, engine.apiKey);
    expect((await client.chats.list()).items).toEqual([]);
  });

  it("name the missing corpus and the variable to fix", async () => {
    const { engine, url } = await served();
    const result = await check(url, engine.apiKey);
    expect(result).toEqual({
      ok: false,
      check: "corpus",
      message: `Parley cannot start in remote mode: Vectara at ${url} has no corpus 'support_kb' (404). Check VECTARA_CORPUS_KEY, or create the corpus and ingest the knowledge base (npm run ingest).`,
    });
  });

  it("say that a bad API key was refused (401), without echoing it", async () => {
    const { client, url } = await served();
    await client.corpora.create({ key: "support_kb" });
    const badKey = "zut_not_a_real_key_987654321";
    const result = await check(url, badKey);
    expect(result).toEqual({
      ok: false,
      check: "reachable",
      message: `Parley cannot start in remote mode: Vectara at ${url} refused the API key (401). Check VECTARA_API_KEY.`,
    });
    expect(JSON.stringify(result)).not.toContain(badKey);
  });

  it("name the OAuth variables when the client authenticates by OAuth", async () => {
    const { client, url } = await served();
    await client.corpora.create({ key: "support_kb" });
    const result = await check(url, "zut_not_a_real_key_987654321", { authKind: "oauth" });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.message).toBe(
      `Parley cannot start in remote mode: Vectara at ${url} refused the OAuth client credentials (401). Check VECTARA_CLIENT_ID and VECTARA_CLIENT_SECRET.`,
    );
  });

  it("say that a key scoped to another corpus has no access (403)", async () => {
    const { client, engine, url } = await served();
    await client.corpora.create({ key: "support_kb" });
    await client.corpora.create({ key: "other_kb" });
    const scoped = await createKey(engine, "serving", ["other_kb"]);
    const result = await check(url, scoped);
    expect(result).toEqual({
      ok: false,
      check: "corpus",
      message: `Parley cannot start in remote mode: Vectara at ${url} says the API key has no access to corpus 'support_kb' (403). Give it query and chat rights on 'support_kb', or check VECTARA_API_KEY and VECTARA_CORPUS_KEY.`,
    });
  });

  it("say that Vectara could not be reached, after retrying, when nothing listens", async () => {
    // A port that was just free: connections are refused.
    const { createServer } = await import("node:net");
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
    const port = (probe.address() as { port: number }).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const dead = `http://127.0.0.1:${port}`;
    const result = await check(dead, "zut_any_key_0123456789");
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.check).toBe("reachable");
    expect(result.message).toMatch(
      new RegExp(
        `^Parley cannot start in remote mode: Vectara at ${dead.replace(/[.]/g, "\\.")} could not be reached \\(.*ECONNREFUSED.*\\)\\. Check VECTARA_BASE_URL and the network\\.$`,
      ),
    );
    // One line for an operator: no stack trace.
    expect(result.message).not.toContain("\n");
  });

  it("wait for an upstream that starts a moment after Parley", async () => {
    const fixture = makeEngine();
    await fixture.client.corpora.create({ key: "support_kb" });
    // Reserve a port, release it, and start the engine there only after a first refusal.
    const { createServer } = await import("node:net");
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
    const port = (probe.address() as { port: number }).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const pending = check(`http://127.0.0.1:${port}`, fixture.engine.apiKey, { retries: 3 });
    await new Promise((resolve) => setTimeout(resolve, 200));
    const { createServer: createHttpServer } = await import("node:http");
    const { Readable } = await import("node:stream");
    const server = createHttpServer(async (req, res) => {
      const response = await fixture.engine.handle(
        new Request(`http://127.0.0.1${req.url ?? "/"}`, {
          method: req.method,
          headers: Object.entries(req.headers).flatMap(([k, v]) =>
            typeof v === "string" ? [[k, v] as [string, string]] : [],
          ),
          body:
            req.method === "GET" ? undefined : (Readable.toWeb(req) as ReadableStream<Uint8Array>),
          duplex: "half",
        } as RequestInit),
      );
      res.writeHead(response.status, Object.fromEntries(response.headers));
      res.end(Buffer.from(await response.arrayBuffer()));
    });
    await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
    closers.push(
      () =>
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        }),
    );
    expect(await pending).toEqual({ ok: true });
  });
});
