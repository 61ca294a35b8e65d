import { once } from "node:events";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Writable } from "node:stream";
import type pino from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { annotateRequest, currentRequestId, hashId } from "@/lib/observability/context";
import { observeRequest } from "@/lib/observability/http";
import { createLogger, getLogger, setLogger } from "@/lib/observability/log";

/**
 * The server's per-request hook (lib/http/server.ts wraps Next's handler in it), on a real
 * HTTP server: one JSON line per request with the expected fields, and nothing secret.
 */
const API_KEY = "zqt_SECRET_api_key_0123456789";
const COOKIE_VALUE = "SECRET-visitor-cookie-value.signature";
const QUESTION = "How do I reset the SECRET password hunter2?";
const VISITOR_ID = "visitor-4242";

let lines: string[];
let previous: ReturnType<typeof getLogger>;

beforeEach(() => {
  lines = [];
  previous = getLogger();
  const sink = new Writable({
    write(chunk, _encoding, callback) {
      lines.push(...String(chunk).split("\n").filter(Boolean));
      callback();
    },
  });
  setLogger(
    createLogger({ level: "info", destination: sink as unknown as pino.DestinationStream }),
  );
});
afterEach(() => setLogger(previous));

async function withServer(
  handler: (body: string) => { status: number; upstreamStatus?: number },
  run: (url: string) => Promise<void>,
) {
  const server = createServer((req, res) =>
    observeRequest(req, res, async () => {
      let body = "";
      for await (const chunk of req) body += chunk;
      // A route handler reads the visitor from the cookie and calls upstream.
      annotateRequest({ visitorId: VISITOR_ID });
      const { status, upstreamStatus } = handler(body);
      if (upstreamStatus !== undefined) annotateRequest({ upstreamStatus });
      // Logged inside the request: carries its id.
      getLogger().warn({ code: "rate_limit:chat" }, "inside the handler");
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify({ seen: currentRequestId() }));
    }),
  );
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  try {
    await run(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  } finally {
    server.close();
  }
}

const requestLines = () =>
  lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.msg === "request");

describe("the request log", () => {
  it("writes one JSON line per request with its fields and no secret", async () => {
    await withServer(
      () => ({ status: 502, upstreamStatus: 503 }),
      async (url) => {
        const response = await fetch(
          `${url}/api/chats/cht_77abc?q=${encodeURIComponent(QUESTION)}`,
          {
            method: "POST",
            headers: {
              "x-api-key": API_KEY,
              authorization: `Bearer ${API_KEY}`,
              cookie: `parley_visitor=${COOKIE_VALUE}`,
              "content-type": "application/json",
            },
            body: JSON.stringify({ message: QUESTION, password: "hunter2" }),
          },
        );
        const requestId = response.headers.get("x-request-id");
        expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
        expect(await response.json()).toEqual({ seen: requestId });
        await response.text().catch(() => "");
      },
    );
    await waitFor(() => requestLines().length === 1);
    const output = lines.join("\n");
    for (const secret of [API_KEY, COOKIE_VALUE, "SECRET", "hunter2", VISITOR_ID, "reset"]) {
      expect(output).not.toContain(secret);
    }
    const [line] = requestLines();
    expect(line).toMatchObject({
      level: "error",
      route: "/api/chats/:id",
      method: "POST",
      status: 502,
      upstream_status: 503,
      visitor: hashId(VISITOR_ID),
    });
    expect(line?.request_id).toEqual(expect.any(String));
    expect(line?.latency_ms).toEqual(expect.any(Number));
    expect(line).toHaveProperty("mode");
    expect(String(line?.visitor)).toMatch(/^[0-9a-f]{12}$/);
    // A line logged while serving the request carries the same id.
    const inside = lines.map((l) => JSON.parse(l)).find((l) => l.msg === "inside the handler");
    expect(inside?.request_id).toBe(line?.request_id);
  });

  it("keeps a sane incoming x-request-id and replaces anything else", async () => {
    await withServer(
      () => ({ status: 200 }),
      async (url) => {
        const kept = await fetch(`${url}/`, { headers: { "x-request-id": "lb-1234.abc_DEF" } });
        expect(kept.headers.get("x-request-id")).toBe("lb-1234.abc_DEF");
        await kept.text();
        for (const bad of ["has space", "x".repeat(101), "semi;colon", "<script>"]) {
          const replaced = await fetch(`${url}/`, { headers: { "x-request-id": bad } });
          expect(replaced.headers.get("x-request-id")).not.toBe(bad);
          expect(replaced.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
          await replaced.text();
        }
      },
    );
    await waitFor(() => requestLines().length === 5);
    expect(requestLines()[0]).toMatchObject({ request_id: "lb-1234.abc_DEF", status: 200 });
    expect(requestLines()[0]?.level).toBe("info");
  });
});

async function waitFor(done: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !done(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(done()).toBe(true);
}
