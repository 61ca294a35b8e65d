import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createEngine, type Engine } from "@/lib/engine";
import {
  createEnginePool,
  type EnginePool,
  type EnginePoolOptions,
} from "@/lib/engine/worker/pool";

/**
 * The engine's worker pool (lib/engine/worker/pool.ts) with real worker threads on a
 * real SQLite file. Faults come from test/engine/fixtures/faulty-worker.ts: the real
 * worker plus a path that spins forever and one that ends the thread.
 */

const FAULTY = path.join(__dirname, "fixtures", "faulty-worker.ts");
let open: Array<{ pool: EnginePool; engine: Engine }> = [];

afterEach(async () => {
  for (const { pool, engine } of open) {
    await pool.close();
    engine.close();
  }
  open = [];
});

function setup(options: Partial<EnginePoolOptions> = {}) {
  const dataDir = mkdtempSync(path.join(tmpdir(), "parley-pool-"));
  const engine = createEngine({ dataDir, log: () => {}, lexicon: false });
  const logs: string[] = [];
  const pool = createEnginePool({
    engine: { dataDir, localApiKey: engine.apiKey, lexicon: false },
    size: 2,
    log: (m) => logs.push(m),
    ...options,
  });
  open.push({ pool, engine });
  const call = (pathname: string, init: RequestInit & { timeoutMs?: number } = {}) => {
    const headers = new Headers(init.headers);
    headers.set("x-api-key", engine.apiKey);
    if (init.body) headers.set("content-type", "application/json");
    if (init.timeoutMs) headers.set("request-timeout-millis", String(init.timeoutMs));
    return pool.handle(new Request(`http://engine.local${pathname}`, { ...init, headers }));
  };
  return { pool, engine, dataDir, logs, call };
}

const corporaList = (call: ReturnType<typeof setup>["call"]) =>
  call("/v2/corpora").then((r) => r.status);

describe("the engine's worker pool", () => {
  it("answers the engine's API from worker threads, streams included", async () => {
    const { call } = setup();
    expect((await call("/v2/corpora", { method: "POST", body: '{"key":"kb"}' })).status).toBe(201);
    const doc = await call("/v2/corpora/kb/documents", {
      method: "POST",
      body: JSON.stringify({
        id: "reset",
        type: "core",
        document_parts: [{ text: "To reset your password, open Settings and choose Reset." }],
      }),
    });
    expect(doc.status).toBe(201);
    const chat = await call("/v2/chats", {
      method: "POST",
      body: JSON.stringify({
        query: "how do I reset my password",
        search: { corpora: [{ corpus_key: "kb" }] },
        stream_response: true,
      }),
    });
    expect(chat.status).toBe(200);
    expect(chat.headers.get("content-type")).toMatch(/text\/event-stream/);
    const events = await chat.text();
    expect(events).toContain("event:search_results");
    expect(events).toContain("Settings");
    expect(events.trimEnd().endsWith('data:{"type":"end"}')).toBe(true);
    const bad = await call("/v2/corpora/kb/query", { method: "POST", body: "{" });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ messages: [expect.any(String)] });
  });

  it("keeps answering while a worker is stuck, then answers the stuck request 408 and replaces the worker", async () => {
    const { pool, call, logs } = setup({ entry: FAULTY, graceMs: 200 });
    await expect.poll(() => pool.stats().workers, { timeout: 20_000 }).toBe(2);
    const order: string[] = [];
    const stuck = call("/__fault/spin", { timeoutMs: 1500 }).then((r) => {
      order.push("stuck");
      return r;
    });
    await new Promise((r) => setTimeout(r, 100));
    for (let i = 0; i < 5; i++) {
      expect(await corporaList(call)).toBe(200);
      order.push("small");
    }
    const response = await stuck;
    expect(order).toEqual(["small", "small", "small", "small", "small", "stuck"]);
    expect(response.status).toBe(408);
    expect(await response.json()).toMatchObject({
      messages: [expect.stringMatching(/1500 ms/)],
      request_id: expect.any(String),
    });
    // The stuck worker is replaced; the pool is whole again.
    await expect.poll(() => pool.stats().restarts, { timeout: 10_000 }).toBe(1);
    await expect.poll(() => pool.stats().workers, { timeout: 20_000 }).toBe(2);
    expect(logs.join("\n")).toMatch(/replacing the worker/);
    expect(await corporaList(call)).toBe(200);
  });

  it("answers 503 in Vectara's shape when a worker dies mid-request, and the next request succeeds", async () => {
    const { call } = setup({ entry: FAULTY, size: 1 });
    const died = await call("/__fault/exit");
    expect(died.status).toBe(503);
    expect(died.headers.get("retry-after")).toBe("1");
    expect(await died.json()).toMatchObject({
      messages: [expect.stringMatching(/worker stopped/)],
      request_id: expect.any(String),
    });
    expect(await corporaList(call)).toBe(200);
  });

  it("refuses with 503 and Retry-After when its queue is full, never hangs", async () => {
    const { pool, call } = setup({ entry: FAULTY, size: 1, maxQueue: 2, graceMs: 100 });
    await expect.poll(() => pool.stats().workers, { timeout: 20_000 }).toBe(1);
    const stuck = call("/__fault/spin", { timeoutMs: 800 });
    await new Promise((r) => setTimeout(r, 50));
    const waiting = [corporaList(call), corporaList(call)];
    const refused = await call("/v2/corpora");
    expect(refused.status).toBe(503);
    expect(refused.headers.get("retry-after")).toBe("1");
    expect(await refused.json()).toMatchObject({ messages: [expect.stringMatching(/busy/)] });
    expect((await stuck).status).toBe(408);
    // Queued behind the stuck worker: answered once its replacement is up.
    expect(await Promise.all(waiting)).toEqual([200, 200]);
  });

  it("runs one chat's turns on one worker, in order", async () => {
    const { call } = setup({ size: 2 });
    await call("/v2/corpora", { method: "POST", body: '{"key":"kb"}' });
    await call("/v2/corpora/kb/documents", {
      method: "POST",
      body: JSON.stringify({
        id: "a",
        type: "core",
        document_parts: [{ text: "Invoices are emailed on the first day of each month." }],
      }),
    });
    const ask = (query: string, chatId?: string) =>
      call(chatId ? `/v2/chats/${chatId}/turns` : "/v2/chats", {
        method: "POST",
        body: JSON.stringify({ query, search: { corpora: [{ corpus_key: "kb" }] } }),
      }).then((r) => r.json() as Promise<{ chat_id: string; turn_id: string }>);
    const first = await ask("when are invoices sent?");
    const turns = await Promise.all(
      Array.from({ length: 6 }, (_, i) => ask(`and invoice ${i}?`, first.chat_id)),
    );
    const listed = (await (await call(`/v2/chats/${first.chat_id}/turns?limit=20`)).json()) as {
      turns: Array<{ id: string }>;
    };
    expect(listed.turns).toHaveLength(7);
    expect(new Set(listed.turns.map((t) => t.id))).toEqual(
      new Set([first.turn_id, ...turns.map((t) => t.turn_id)]),
    );
  });

  it("closes every worker's database on close", async () => {
    const { pool, engine, dataDir, call } = setup();
    expect(await corporaList(call)).toBe(200);
    await pool.close();
    engine.close();
    open = [];
    // SQLite removes the WAL when the last connection to the database closes.
    expect(existsSync(path.join(dataDir, "engine.db-wal"))).toBe(false);
    const after = await pool.handle(new Request("http://engine.local/v2/corpora"));
    expect(after.status).toBe(503);
  });
});
