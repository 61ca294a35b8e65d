import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { compileMatch, type FaultProxy, startFaultProxy } from "../../e2e/support/fault-proxy";
import { delay, type Handler, sendJson, startServer } from "../support/http-server";

// The e2e suite's fault proxy against a tiny real upstream: passthrough (SSE chunk by
// chunk), each fault kind, counting, and the control API's validation.

let upstream: Awaited<ReturnType<typeof startServer>>;
let proxy: FaultProxy;
let handler: Handler;

beforeEach(async () => {
  handler = (_req, res, received) => sendJson(res, 200, { ok: true, echo: received.body });
  upstream = await startServer((req, res, received, index) => handler(req, res, received, index));
  proxy = await startFaultProxy({ target: upstream.url });
});

afterEach(async () => {
  await proxy.close();
  await upstream.close();
});

const arm = (body: unknown) =>
  fetch(`${proxy.url}/__faults`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });

async function readAll(response: Response): Promise<{ text: string; error?: unknown }> {
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let text = "";
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return { text };
      text += decoder.decode(value, { stream: true });
    }
  } catch (error) {
    return { text, error };
  }
}

describe("fault proxy: passthrough", () => {
  it("forwards method, path, query, body and end-to-end headers, and the answer back", async () => {
    const response = await fetch(`${proxy.url}/v2/corpora?limit=5`, {
      method: "POST",
      headers: {
        "x-api-key": "zut_key",
        "content-type": "application/json",
        "accept-encoding": "gzip",
      },
      body: JSON.stringify({ key: "kb" }),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true, echo: '{"key":"kb"}' });
    const [seen] = upstream.received;
    expect(seen).toMatchObject({ method: "POST", url: "/v2/corpora?limit=5" });
    expect(seen?.headers["x-api-key"]).toBe("zut_key");
    expect(seen?.headers.host).toBe(new URL(upstream.url).host);
    expect(seen?.headers["accept-encoding"]).toBe("identity");
  });

  it("passes SSE chunks through as they arrive, not when the stream ends", async () => {
    let clientGotFirst!: () => void;
    const firstSeen = new Promise<void>((resolve) => {
      clientGotFirst = resolve;
    });
    let secondWrittenAt = 0;
    handler = async (_req, res) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.write("event: generation_chunk\ndata: {}\n\n");
      // The second chunk is only written once the client has read the first.
      await Promise.race([firstSeen, delay(5_000)]);
      secondWrittenAt = performance.now();
      res.end("event: end\ndata: {}\n\n");
    };
    const response = await fetch(`${proxy.url}/v2/chats`, { method: "POST", body: "{}" });
    expect(response.headers.get("content-type")).toBe("text/event-stream");
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const first = await reader.read();
    const firstAt = performance.now();
    expect(new TextDecoder().decode(first.value)).toContain("generation_chunk");
    clientGotFirst();
    let rest = "";
    for (let r = await reader.read(); !r.done; r = await reader.read()) {
      rest += new TextDecoder().decode(r.value);
    }
    expect(rest).toContain("event: end");
    expect(secondWrittenAt).toBeGreaterThan(firstAt);
  });

  it("answers 502 in Vectara's error shape when the upstream is down", async () => {
    await upstream.close();
    const response = await fetch(`${proxy.url}/v2/corpora`);
    expect(response.status).toBe(502);
    expect(await response.json()).toMatchObject({
      messages: [expect.stringContaining("could not reach")],
      request_id: expect.any(String),
    });
  });
});

describe("fault proxy: faults", () => {
  it("status: answers with a Vectara-shaped body and Retry-After, without forwarding", async () => {
    expect(
      (await arm({ match: "POST /v2/chats", fault: "status", status: 429, retryAfter: 2 })).status,
    ).toBe(201);
    const response = await fetch(`${proxy.url}/v2/chats`, { method: "POST", body: "{}" });
    expect(response.status).toBe(429);
    expect(response.headers.get("retry-after")).toBe("2");
    expect(await response.json()).toEqual({
      messages: [expect.any(String)],
      request_id: expect.any(String),
    });
    expect(upstream.received).toHaveLength(0);
    // Consumed: the next call goes through.
    expect((await fetch(`${proxy.url}/v2/chats`, { method: "POST", body: "{}" })).status).toBe(200);
    expect(upstream.received).toHaveLength(1);
  });

  it("times: fails that many matching calls, then passes through", async () => {
    await arm({ match: "GET /v2/corpora", fault: "status", status: 503, times: 2 });
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await fetch(`${proxy.url}/v2/corpora`)).status);
    expect(statuses).toEqual([503, 503, 200]);
  });

  it("reset: the connection drops before any response, and nothing is forwarded", async () => {
    await arm({ match: "POST /v2/chats", fault: "reset" });
    await expect(fetch(`${proxy.url}/v2/chats`, { method: "POST", body: "{}" })).rejects.toThrow();
    expect(upstream.received).toHaveLength(0);
    expect((await fetch(`${proxy.url}/v2/chats`, { method: "POST", body: "{}" })).status).toBe(200);
  });

  it("cut-stream: lets exactly afterBytes of the body through, then drops the connection", async () => {
    const events = Array.from({ length: 20 }, (_, i) => `event: generation_chunk\ndata: ${i}\n\n`);
    handler = async (_req, res) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      for (const e of events) {
        res.write(e);
        await delay(2);
      }
      res.end("event: end\ndata: {}\n\n");
    };
    await arm({ match: "POST /v2/chats/*/turns", fault: "cut-stream", afterBytes: 50 });
    const response = await fetch(`${proxy.url}/v2/chats/cht_1/turns`, {
      method: "POST",
      body: "{}",
    });
    expect(response.status).toBe(200);
    const cut = await readAll(response);
    expect(cut.error).toBeDefined();
    expect(cut.text).toBe(events.join("").slice(0, 50));
    // The next stream is whole.
    const whole = await readAll(
      await fetch(`${proxy.url}/v2/chats/cht_1/turns`, { method: "POST", body: "{}" }),
    );
    expect(whole.error).toBeUndefined();
    expect(whole.text.endsWith("event: end\ndata: {}\n\n")).toBe(true);
  });

  it("cut-stream with afterBytes 0: headers arrive, then the connection drops", async () => {
    await arm({ match: "* /v2/**", fault: "cut-stream" });
    const response = await fetch(`${proxy.url}/v2/corpora/kb/query`);
    expect(response.status).toBe(200);
    const cut = await readAll(response);
    expect(cut.error).toBeDefined();
    expect(cut.text).toBe("");
  });

  it("slow-first-byte: holds the request for delayMs before forwarding it", async () => {
    await arm({ match: "POST /v2/chats", fault: "slow-first-byte", delayMs: 300 });
    const start = Date.now();
    const response = await fetch(`${proxy.url}/v2/chats`, { method: "POST", body: "{}" });
    expect(response.status).toBe(200);
    // The upstream only saw the request once the delay was over.
    expect((upstream.received[0]?.at ?? 0) - start).toBeGreaterThanOrEqual(290);
  });

  it("consumes faults in the order they were armed, and only on a matching request", async () => {
    await arm([
      { match: "POST /v2/chats", fault: "status", status: 500 },
      { match: "POST /v2/chats", fault: "status", status: 503 },
    ]);
    expect((await fetch(`${proxy.url}/v2/chats`)).status).toBe(200); // GET: no match
    expect((await fetch(`${proxy.url}/v2/chats/cht_1/turns`, { method: "POST" })).status).toBe(200);
    expect((await fetch(`${proxy.url}/v2/chats`, { method: "POST" })).status).toBe(500);
    expect(proxy.armed()).toMatchObject([{ status: 503, times: 1 }]);
    expect((await fetch(`${proxy.url}/v2/chats`, { method: "POST" })).status).toBe(503);
    expect(proxy.armed()).toEqual([]);
  });
});

describe("fault proxy: control API", () => {
  it("answers its health check", async () => {
    const response = await fetch(`${proxy.url}/__health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: "ok" });
    expect(upstream.received).toHaveLength(0);
  });

  it("lists and clears armed faults", async () => {
    await arm({ match: "POST /v2/chats", fault: "reset", times: 3 });
    const listed = await (await fetch(`${proxy.url}/__faults`)).json();
    expect(listed).toEqual({ faults: [{ match: "POST /v2/chats", fault: "reset", times: 3 }] });
    expect((await fetch(`${proxy.url}/__faults`, { method: "DELETE" })).status).toBe(204);
    expect(proxy.armed()).toEqual([]);
    expect((await fetch(`${proxy.url}/v2/chats`, { method: "POST" })).status).toBe(200);
  });

  it.each([
    ["not JSON", "{"],
    ["an unknown fault", { match: "POST /v2/chats", fault: "explode" }],
    ["a status fault without a status", { match: "POST /v2/chats", fault: "status" }],
    ["a status below 400", { match: "POST /v2/chats", fault: "status", status: 200 }],
    ["a match without a method", { match: "/v2/chats", fault: "reset" }],
    ["a misspelt option", { match: "POST /v2/chats", fault: "cut-stream", after_bytes: 3 }],
    ["times of 0", { match: "POST /v2/chats", fault: "reset", times: 0 }],
    ["slow-first-byte without delayMs", { match: "POST /v2/chats", fault: "slow-first-byte" }],
  ])("refuses %s with 400 and arms nothing", async (_label, body) => {
    const response = await fetch(`${proxy.url}/__faults`, {
      method: "POST",
      body: typeof body === "string" ? body : JSON.stringify(body),
    });
    expect(response.status).toBe(400);
    expect((await response.json()).messages[0]).toEqual(expect.any(String));
    expect(proxy.armed()).toEqual([]);
  });
});

describe("fault proxy: request log", () => {
  it("records every upstream call, faulted or forwarded, and not its own control calls", async () => {
    await arm({ match: "POST /v2/chats", fault: "status", status: 503 });
    await fetch(`${proxy.url}/v2/chats`, { method: "POST" });
    await fetch(`${proxy.url}/v2/chats?limit=1`);
    await fetch(`${proxy.url}/v2/chats`, { method: "POST" });
    const logged = await (await fetch(`${proxy.url}/__requests`)).json();
    expect(logged).toEqual({
      requests: [
        { method: "POST", path: "/v2/chats", fault: "status" },
        { method: "GET", path: "/v2/chats" },
        { method: "POST", path: "/v2/chats" },
      ],
    });
    expect(proxy.requests()).toEqual(logged.requests);
    // The proxy's answer to the faulted call never reached the upstream.
    expect(upstream.received.map((r) => r.method)).toEqual(["GET", "POST"]);
  });

  it("logs a reset call too, and empties on DELETE", async () => {
    await arm({ match: "POST /v2/chats", fault: "reset" });
    await expect(fetch(`${proxy.url}/v2/chats`, { method: "POST" })).rejects.toThrow();
    expect(proxy.requests()).toEqual([{ method: "POST", path: "/v2/chats", fault: "reset" }]);
    expect((await fetch(`${proxy.url}/__requests`, { method: "DELETE" })).status).toBe(204);
    expect(proxy.requests()).toEqual([]);
  });
});

describe("compileMatch", () => {
  it("matches methods and path globs", () => {
    const turns = compileMatch("POST /v2/chats/*/turns");
    expect(turns("POST", "/v2/chats/cht_1/turns")).toBe(true);
    expect(turns("POST", "/v2/chats/cht_1/turns/trn_1")).toBe(false);
    expect(turns("POST", "/v2/chats")).toBe(false);
    expect(turns("GET", "/v2/chats/cht_1/turns")).toBe(false);
    expect(compileMatch("* /v2/**")("DELETE", "/v2/corpora/kb/documents/a")).toBe(true);
    expect(compileMatch("POST /v2/chats")("POST", "/v2/chats/")).toBe(true);
    expect(compileMatch("GET /v2/corpora.json")("GET", "/v2/corporaxjson")).toBe(false);
  });
});
