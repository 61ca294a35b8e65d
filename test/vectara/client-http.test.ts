import type { ServerResponse } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import {
  AbortError,
  APIError,
  BadRequestError,
  ConflictError,
  ConnectionError,
  createVectaraClient,
  ForbiddenError,
  InvalidRequestError,
  NotFoundError,
  ProtocolError,
  RateLimitError,
  ServerError,
  StreamError,
  TimeoutError,
  UnauthorizedError,
  type VectaraClientOptions,
} from "@/lib/vectara";
import { recordedAnswer, recordedChatStream, recordedEvents } from "../fixtures/chat-stream";
import { delay, type Handler, sendJson, startServer } from "../support/http-server";

const chatBody = {
  query: "How do I reset my password?",
  search: { corpora: [{ corpus_key: "support_kb" }] },
};

const servers: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function setup(handler: Handler, options: Partial<VectaraClientOptions> = {}) {
  const server = await startServer(handler);
  servers.push(server);
  const client = createVectaraClient({
    baseUrl: server.url,
    auth: { type: "api_key", apiKey: "zut_test_key" },
    retryBaseDelayMs: 5,
    retryMaxDelayMs: 20,
    timeoutMs: 5_000,
    ...options,
  });
  return { server, client };
}

const emptyChats = { chats: [], metadata: {} };

function sse(res: ServerResponse) {
  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
}

describe("retries", () => {
  it("retries a read on 503 until it succeeds", async () => {
    const { server, client } = await setup((_req, res, _r, i) =>
      i < 2 ? sendJson(res, 503, { messages: ["unavailable"] }) : sendJson(res, 200, emptyChats),
    );
    const page = await client.chats.list();
    expect(page.items).toEqual([]);
    expect(server.received).toHaveLength(3);
  });

  it("gives up after maxRetries and throws ServerError", async () => {
    const { server, client } = await setup((_req, res) =>
      sendJson(res, 503, { messages: ["down"] }),
    );
    const error = await client.chats.list({}, { maxRetries: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServerError);
    expect(server.received).toHaveLength(2);
  });

  it("waits as long as Retry-After says on 429", async () => {
    const { server, client } = await setup((_req, res, _r, i) =>
      i === 0
        ? sendJson(res, 429, { messages: ["too many requests"] }, { "retry-after": "1" })
        : sendJson(res, 200, emptyChats),
    );
    await client.chats.list();
    expect(server.received).toHaveLength(2);
    const [first, second] = server.received;
    // The backoff alone would be ~5 ms; the server asked for a full second.
    expect((second?.at ?? 0) - (first?.at ?? 0)).toBeGreaterThanOrEqual(950);
  });

  it("does not wait out a Retry-After longer than the client allows", async () => {
    const { server, client } = await setup(
      (_req, res) => sendJson(res, 429, { messages: ["slow down"] }, { "retry-after": "3600" }),
      { maxRetryAfterMs: 1_000 },
    );
    const error = await client.chats.list().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).retryAfterMs).toBe(3_600_000);
    expect(server.received).toHaveLength(1);
  });

  it("never retries a chat create, even on 503", async () => {
    const { server, client } = await setup((_req, res) =>
      sendJson(res, 503, { messages: ["busy"] }),
    );
    await expect(client.chats.create(chatBody)).rejects.toBeInstanceOf(ServerError);
    expect(server.received).toHaveLength(1);
  });

  it("never retries a streamed turn create when the connection drops", async () => {
    const { server, client } = await setup((req) => {
      req.socket.destroy();
    });
    const error = await client.turns
      .createStream("cht_1", chatBody, { maxRetries: 5 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect(server.received).toHaveLength(1);
  });

  it("retries a read after a connection reset", async () => {
    const { server, client } = await setup((req, res, _r, i) => {
      if (i === 0) req.socket.destroy();
      else sendJson(res, 200, emptyChats);
    });
    await client.chats.list();
    expect(server.received).toHaveLength(2);
  });

  it("retries a query stream that fails before it starts, but not once events flow", async () => {
    const { server, client } = await setup(async (_req, res, _r, i) => {
      if (i === 0) return sendJson(res, 502, { messages: ["bad gateway"] });
      sse(res);
      res.write(`event:search_results\ndata:{"type":"search_results","search_results":[]}\n\n`);
      await delay(20);
      res.destroy();
    });
    const stream = await client.query.queryStream({
      query: "q",
      search: { corpora: [{ corpus_key: "support_kb" }] },
    });
    const seen: string[] = [];
    const error = await (async () => {
      for await (const e of stream) seen.push(e.type);
    })().catch((e: unknown) => e);
    expect(seen).toEqual(["search_results"]);
    expect(error).toBeInstanceOf(VectaraErrorLike);
    expect(server.received).toHaveLength(2);
  });
});

// Either a ConnectionError (reset) or a truncated-stream ProtocolError, depending on
// how the runtime surfaces a socket that closes mid-body.
const VectaraErrorLike = {
  [Symbol.hasInstance]: (e: unknown) =>
    e instanceof ConnectionError || (e instanceof ProtocolError && e.kind === "truncated_stream"),
} as unknown as new () => Error;

describe("timeouts", () => {
  it("sends Request-Timeout-Millis and fires on the client when the server is slower", async () => {
    const { server, client } = await setup(async (_req, res) => {
      await delay(2_000);
      if (!res.destroyed) sendJson(res, 200, emptyChats);
    });
    const error = await client.chats
      .list({}, { timeoutMillis: 200, maxRetries: 0 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).timeoutMs).toBe(200);
    expect(server.received[0]?.headers["request-timeout-millis"]).toBe("200");
  });

  it("sends Request-Timeout in seconds", async () => {
    const { server, client } = await setup((_req, res) => sendJson(res, 200, emptyChats));
    await client.chats.list({}, { timeout: 30 });
    expect(server.received[0]?.headers["request-timeout"]).toBe("30");
    expect(server.received[0]?.headers["request-timeout-millis"]).toBeUndefined();
  });

  it("retries a read that timed out", async () => {
    const { server, client } = await setup(async (_req, res, _r, i) => {
      if (i === 0) await delay(1_000);
      if (!res.destroyed) sendJson(res, 200, emptyChats);
    });
    await client.chats.list({}, { timeoutMillis: 150 });
    expect(server.received).toHaveLength(2);
  });

  it("fails a stream that stalls between events", async () => {
    const { client } = await setup(async (_req, res) => {
      sse(res);
      res.write(
        `event:generation_chunk\ndata:{"type":"generation_chunk","generation_chunk":"a"}\n\n`,
      );
      await delay(2_000);
      if (!res.destroyed) res.end();
    });
    const stream = await client.chats.createStream(chatBody, { timeoutMillis: 200 });
    const error = await (async () => {
      for await (const _ of stream) {
        // drain
      }
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
  });
});

describe("errors", () => {
  const cases: Array<[number, new (...args: never[]) => APIError]> = [
    [400, BadRequestError],
    [401, UnauthorizedError],
    [403, ForbiddenError],
    [404, NotFoundError],
    [409, ConflictError],
    [415, BadRequestError],
    [429, RateLimitError],
    [500, ServerError],
    [503, ServerError],
  ];

  for (const [status, Class] of cases) {
    it(`maps ${status} to ${Class.name}`, async () => {
      const { client } = await setup((_req, res) =>
        sendJson(res, status, {
          messages: [`status ${status}`],
          request_id: "req_123",
          ...(status === 400
            ? { field_errors: { "body.search.corpora": "[] should have at least 1 items." } }
            : {}),
          ...(status === 404 ? { id: "cht_missing" } : {}),
        }),
      );
      const error = await client.chats
        .get("cht_missing", { maxRetries: 0 })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(Class);
      expect(error).toBeInstanceOf(APIError);
      const e = error as APIError;
      expect(e.status).toBe(status);
      expect(e.messages).toEqual([`status ${status}`]);
      expect(e.requestId).toBe("req_123");
      if (status === 400) {
        expect(e.fieldErrors).toEqual({
          "body.search.corpora": "[] should have at least 1 items.",
        });
        expect(e.message).toContain("body.search.corpora");
      }
      if (status === 404) expect(e.missingId).toBe("cht_missing");
    });
  }

  it("keeps a non-JSON error body as the message", async () => {
    const { client } = await setup((_req, res) => {
      res.writeHead(502, { "content-type": "text/html" });
      res.end("<html>Bad gateway</html>");
    });
    const error = await client.chats.list({}, { maxRetries: 0 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServerError);
    expect((error as ServerError).messages).toEqual(["<html>Bad gateway</html>"]);
  });

  it("reports a 200 whose body is not JSON as a protocol error", async () => {
    const { client } = await setup((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end("not json");
    });
    await expect(client.chats.list()).rejects.toMatchObject({ kind: "invalid_json" });
  });

  it("reports a response of the wrong shape, naming the field", async () => {
    const { client } = await setup((_req, res) => sendJson(res, 200, { chats: [{ id: 42 }] }));
    const error = await client.chats.list().catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: "invalid_shape" });
    expect((error as Error).message).toContain("chats.0.id");
  });

  it("tolerates unknown response fields", async () => {
    const { client } = await setup((_req, res) =>
      sendJson(res, 200, {
        chats: [
          { id: "cht_1", first_query: "q", first_answer: "a", enabled: true, brand_new: { x: 1 } },
        ],
        metadata: { page_key: null, also_new: true },
      }),
    );
    const page = await client.chats.list();
    expect(page.items).toEqual([{ id: "cht_1", firstQuery: "q", firstAnswer: "a", enabled: true }]);
    expect(page.hasNextPage()).toBe(false);
  });

  it("rejects an invalid request before sending it, in Vectara's field-error form", async () => {
    const { server, client } = await setup((_req, res) => sendJson(res, 200, {}));
    const error = await client.chats
      .create({ query: "x".repeat(5001), search: { corpora: [] } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect(Object.keys((error as InvalidRequestError).fieldErrors).sort()).toEqual([
      "body.query",
      "body.search.corpora",
    ]);
    const typo = await client.chats
      .create({ ...chatBody, search: { ...chatBody.search, metadataFilter: "doc.x = 1" } } as never)
      .catch((e: unknown) => e);
    expect(typo).toBeInstanceOf(InvalidRequestError);
    await expect(client.chats.get("not-a-chat-id")).rejects.toBeInstanceOf(InvalidRequestError);
    expect(server.received).toHaveLength(0);
  });
});

describe("requests on the wire", () => {
  it("sends the API key, customer id, JSON body and stream flag", async () => {
    const { server, client } = await setup(
      (_req, res) =>
        sendJson(res, 200, {
          chat_id: "cht_1",
          turn_id: "trn_1",
          answer: "Hello",
          search_results: [],
        }),
      { customerId: "1234" },
    );
    const answer = await client.chats.create(chatBody);
    expect(answer).toMatchObject({
      chatId: "cht_1",
      turnId: "trn_1",
      answer: "Hello",
      searchResults: [],
    });
    const [r] = server.received;
    expect(r?.method).toBe("POST");
    expect(r?.url).toBe("/v2/chats");
    expect(r?.headers["x-api-key"]).toBe("zut_test_key");
    expect(r?.headers["customer-id"]).toBe("1234");
    expect(r?.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(r?.body ?? "")).toEqual({ ...chatBody, stream_response: false });
  });

  it("encodes list filters, chat ids and document ids", async () => {
    const { server, client } = await setup((req, res) =>
      req.url?.includes("/documents/")
        ? sendJson(res, 200, { id: "guides/reset.md", parts: [{ text: "t" }] })
        : sendJson(res, 200, emptyChats),
    );
    await client.chats.list({ limit: 5, filter: "pass(word)?", chat_ids: ["cht_a", "cht_b"] });
    const doc = await client.documents.get("support_kb", "guides/reset.md");
    expect(doc.id).toBe("guides/reset.md");
    const url = new URL(server.received[0]?.url ?? "", "http://x");
    expect(url.searchParams.get("limit")).toBe("5");
    expect(url.searchParams.get("filter")).toBe("pass(word)?");
    expect(url.searchParams.getAll("chat_ids")).toEqual(["cht_a", "cht_b"]);
    expect(server.received[1]?.url).toBe("/v2/corpora/support_kb/documents/guides%2Freset.md");
  });

  it("uploads a file as multipart with JSON metadata", async () => {
    const { server, client } = await setup((_req, res) =>
      sendJson(res, 201, { id: "notes.md", metadata: { team: "a" } }),
    );
    const doc = await client.upload.file(
      "support_kb",
      { name: "notes.md", data: new TextEncoder().encode("# Notes\nhello"), type: "text/markdown" },
      { metadata: { team: "a" }, chunking_strategy: { type: "sentence_chunking_strategy" } },
    );
    expect(doc).toMatchObject({ id: "notes.md", metadata: { team: "a" } });
    const r = server.received[0];
    expect(r?.headers["content-type"]).toMatch(/^multipart\/form-data; boundary=/);
    expect(r?.body).toContain('name="file"; filename="notes.md"');
    expect(r?.body).toContain("# Notes\nhello");
    expect(r?.body).toContain('{"team":"a"}');
    expect(r?.body).toContain('{"type":"sentence_chunking_strategy"}');
  });
});

describe("paging", () => {
  it("follows page_key across pages with for await", async () => {
    const pages: Record<string, { ids: string[]; next?: string }> = {
      "": { ids: ["cht_1", "cht_2"], next: "p2" },
      p2: { ids: ["cht_3", "cht_4"], next: "p3" },
      p3: { ids: ["cht_5"] },
    };
    const { server, client } = await setup((req, res) => {
      const key = new URL(req.url ?? "", "http://x").searchParams.get("page_key") ?? "";
      const page = pages[key];
      sendJson(res, 200, {
        chats: page?.ids.map((id) => ({ id, first_query: id, first_answer: "", enabled: true })),
        metadata: page?.next ? { page_key: page.next } : {},
      });
    });
    const first = await client.chats.list({ limit: 2 });
    const ids: string[] = [];
    for await (const chat of first) ids.push(chat.id);
    expect(ids).toEqual(["cht_1", "cht_2", "cht_3", "cht_4", "cht_5"]);
    const sizes: number[] = [];
    for await (const page of first.pages()) sizes.push(page.items.length);
    expect(sizes).toEqual([2, 2, 1]);
    expect(new URL(server.received[1]?.url ?? "", "http://x").searchParams.get("limit")).toBe("2");
  });

  it("reads a turn list's page_key at the top level, as the chats guide shows it", async () => {
    const { client } = await setup((req, res) => {
      const key = new URL(req.url ?? "", "http://x").searchParams.get("page_key");
      sendJson(res, 200, {
        turns: [
          { id: key ? "trn_2" : "trn_1", chat_id: "cht_1", query: "q", answer: "a", enabled: true },
        ],
        page_key: key ? null : "next",
      });
    });
    const ids: string[] = [];
    for await (const turn of await client.turns.list("cht_1", { limit: 1 })) ids.push(turn.id);
    expect(ids).toEqual(["trn_1", "trn_2"]);
  });
});

describe("streaming over HTTP", () => {
  const bytes = Buffer.from(recordedChatStream, "utf8");

  it("gives the same events whatever byte the network splits the recorded stream at", async () => {
    let cut = 0;
    const { client } = await setup(async (_req, res) => {
      sse(res);
      res.write(bytes.subarray(0, cut));
      await delay(1);
      res.end(bytes.subarray(cut));
    });
    for (cut = 1; cut < bytes.length; cut++) {
      const stream = await client.chats.createStream(chatBody);
      const types: string[] = [];
      let answer = "";
      for await (const event of stream) {
        types.push(event.type);
        if (event.type === "generation_chunk") answer += event.text;
      }
      expect(types, `split at byte ${cut}`).toEqual(recordedEvents.map((e) => e.type));
      expect(answer, `split at byte ${cut}`).toBe(recordedAnswer);
    }
  }, 120_000);

  it("throws StreamError on an error event", async () => {
    const { client } = await setup((_req, res) => {
      sse(res);
      res.end(
        'event:error\ndata:{"type":"error","messages":["INVALID_ARGUMENT: bad filter"]}\n\nevent:end\ndata:{"type":"end"}\n\n',
      );
    });
    const stream = await client.chats.createStream(chatBody);
    const error = await (async () => {
      for await (const _ of stream) {
        // drain
      }
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StreamError);
    expect((error as StreamError).messages).toEqual(["INVALID_ARGUMENT: bad filter"]);
  });

  it("gives a clear error for malformed SSE", async () => {
    const { client } = await setup((_req, res) => {
      sse(res);
      res.end("event:generation_chunk\ndata:<html>oops</html>\n\n");
    });
    const stream = await client.chats.createStream(chatBody);
    const error = await (async () => {
      for await (const _ of stream) {
        // drain
      }
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProtocolError);
    expect((error as Error).message).toBe(
      'Event 1 ("generation_chunk") does not carry JSON data: <html>oops</html>',
    );
  });

  it("refuses a 200 that is not an event stream", async () => {
    const { client } = await setup((_req, res) => sendJson(res, 200, { answer: "not streamed" }));
    await expect(client.chats.createStream(chatBody)).rejects.toMatchObject({
      kind: "unexpected_content_type",
    });
  });

  it("throws HTTP errors before the first event", async () => {
    const { client } = await setup((_req, res) =>
      sendJson(res, 404, { messages: ["Chat not found"], id: "cht_gone" }),
    );
    await expect(client.turns.createStream("cht_gone", chatBody)).rejects.toBeInstanceOf(
      NotFoundError,
    );
  });

  it("closes the connection when the loop breaks mid-stream", async () => {
    let closedEarly: Promise<boolean> = Promise.resolve(false);
    const { client } = await setup(async (_req, res) => {
      closedEarly = new Promise((resolve) => {
        res.on("close", () => resolve(!res.writableEnded));
      });
      sse(res);
      for (let i = 0; i < 100 && !res.destroyed; i++) {
        res.write(
          `event:generation_chunk\ndata:{"type":"generation_chunk","generation_chunk":"${i} "}\n\n`,
        );
        await delay(20);
      }
      if (!res.destroyed) res.end('event:end\ndata:{"type":"end"}\n\n');
    });
    const stream = await client.chats.createStream(chatBody);
    let seen = 0;
    for await (const _ of stream) {
      if (++seen === 2) break;
    }
    expect(seen).toBe(2);
    expect(await closedEarly).toBe(true);
  });

  it("aborts mid-stream on the caller's signal", async () => {
    let closed: Promise<void> = Promise.resolve();
    const { client } = await setup(async (_req, res) => {
      closed = new Promise((resolve) => res.on("close", () => resolve()));
      sse(res);
      for (let i = 0; i < 100 && !res.destroyed; i++) {
        res.write(
          `event:generation_chunk\ndata:{"type":"generation_chunk","generation_chunk":"x"}\n\n`,
        );
        await delay(20);
      }
      if (!res.destroyed) res.end();
    });
    const controller = new AbortController();
    const stream = await client.chats.createStream(chatBody, { signal: controller.signal });
    const error = await (async () => {
      let n = 0;
      for await (const _ of stream) if (++n === 3) controller.abort();
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AbortError);
    await closed;
  });
});

describe("OAuth client credentials", () => {
  function oauthServer(lifetimeSeconds: number) {
    let tokens = 0;
    const revoked = new Set<string>();
    const handler: Handler = (req, res, received) => {
      if (req.url === "/oauth2/token") {
        tokens++;
        const form = new URLSearchParams(received.body);
        if (
          form.get("client_secret") !== "s3cret" ||
          form.get("grant_type") !== "client_credentials"
        ) {
          return sendJson(res, 401, { error: "invalid_client" });
        }
        return sendJson(res, 200, {
          access_token: `token-${tokens}`,
          token_type: "Bearer",
          expires_in: lifetimeSeconds,
        });
      }
      const auth = req.headers.authorization;
      const token = auth?.replace(/^Bearer /, "") ?? "";
      if (!/^token-\d+$/.test(token) || revoked.has(token)) {
        return sendJson(res, 401, { messages: ["invalid or expired token"] });
      }
      return sendJson(res, 200, emptyChats);
    };
    return { handler, count: () => tokens, revoke: (t: string) => revoked.add(t) };
  }

  async function setupOAuth(lifetimeSeconds: number) {
    const oauth = oauthServer(lifetimeSeconds);
    const server = await startServer(oauth.handler);
    servers.push(server);
    const client = createVectaraClient({
      baseUrl: server.url,
      auth: {
        type: "oauth",
        clientId: "app",
        clientSecret: "s3cret",
        tokenUrl: `${server.url}/oauth2/token`,
      },
    });
    return { server, client, tokens: oauth.count, revoke: oauth.revoke };
  }

  it("requests one token for many concurrent calls, form-encoded", async () => {
    const { server, client, tokens } = await setupOAuth(1800);
    await Promise.all(Array.from({ length: 10 }, () => client.chats.list()));
    expect(tokens()).toBe(1);
    const tokenRequest = server.received.find((r) => r.url === "/oauth2/token");
    expect(tokenRequest?.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    const api = server.received.filter((r) => r.url !== "/oauth2/token");
    expect(api).toHaveLength(10);
    for (const r of api) expect(r.headers.authorization).toBe("Bearer token-1");
  });

  it("refreshes once, before expiry, under concurrent calls", async () => {
    const { client, tokens } = await setupOAuth(1);
    await client.chats.list();
    expect(tokens()).toBe(1);
    await delay(900); // past the refresh point: a fifth of the 1 s lifetime before expiry
    await Promise.all(Array.from({ length: 8 }, () => client.chats.list()));
    expect(tokens()).toBe(2);
  });

  it("fetches a new token once when the API refuses a revoked one", async () => {
    const { server, client, tokens, revoke } = await setupOAuth(1800);
    await client.chats.list();
    revoke("token-1");
    await client.chats.list();
    expect(tokens()).toBe(2);
    const api = server.received.filter((r) => r.url !== "/oauth2/token");
    expect(api.map((r) => r.headers.authorization)).toEqual([
      "Bearer token-1",
      "Bearer token-1",
      "Bearer token-2",
    ]);
  });

  it("surfaces bad credentials as UnauthorizedError", async () => {
    const oauth = oauthServer(1800);
    const server = await startServer(oauth.handler);
    servers.push(server);
    const client = createVectaraClient({
      baseUrl: server.url,
      auth: {
        type: "oauth",
        clientId: "app",
        clientSecret: "wrong",
        tokenUrl: `${server.url}/oauth2/token`,
      },
    });
    await expect(client.chats.list()).rejects.toBeInstanceOf(UnauthorizedError);
  });
});
