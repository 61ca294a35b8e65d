import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { performance } from "node:perf_hooks";
import Database from "better-sqlite3";
import { CORPUS, root, type Server, startServer, visitorCookie, waitUntilSeeded } from "./server";
import { fmt, summarize } from "./stats";

/**
 * `npm run bench:load`: does one request stall everyone? Through real HTTP on loopback
 * against the production server (`node scripts/start.mjs`, local mode, a fresh DATA_DIR):
 *
 * 1. 50 visitors ask at once on `POST /api/chat`, each with its own visitor cookie: time
 *    to the first text chunk (p50/p95) and errors. Target p95 ≤ 500 ms, 0 errors.
 * 2. `/api/health` polled every 25 ms while each hostile request of issue 13 runs alone:
 *    health p99 (target ≤ 250 ms), and the hostile request's status and time (target: a
 *    2xx or 4xx within 15 s).
 * 3. 200 chats one after another on `POST /api/chat`: p50/p95 to the end of the answer.
 *
 * Prints figures; never asserts. BENCH_LOAD_PORT (default 3233), BENCH_LOAD_VISITORS
 * (default 50), BENCH_LOAD_SEQUENTIAL (default 200).
 */

const PORT = Number(process.env.BENCH_LOAD_PORT ?? 3233);
const VISITORS = Number(process.env.BENCH_LOAD_VISITORS ?? 50);
const SEQUENTIAL = Number(process.env.BENCH_LOAD_SEQUENTIAL ?? 200);
const API_KEY = "zut_bench_load_personal_key_0123456789";

const questions = (
  JSON.parse(readFileSync(path.join(root, "content/demo-kb/examples.json"), "utf8")) as {
    examples: Array<{ question: string }>;
  }
).examples.map((e) => e.question);
const question = (i: number) => questions[i % questions.length] as string;

interface Asked {
  firstChunkMs: number;
  totalMs: number;
  error?: string;
}

/** One question on the chat route, read to its end. */
async function ask(base: string, cookie: string, text: string): Promise<Asked> {
  const start = performance.now();
  try {
    const res = await fetch(`${base}/api/chat`, {
      method: "POST",
      headers: { "content-type": "application/json", cookie },
      body: JSON.stringify({
        id: randomUUID(),
        chatId: null,
        trigger: "submit-message",
        message: { id: randomUUID(), role: "user", parts: [{ type: "text", text }] },
      }),
    });
    if (!res.ok || !res.body) {
      return { firstChunkMs: 0, totalMs: performance.now() - start, error: `HTTP ${res.status}` };
    }
    const decoder = new TextDecoder();
    let body = "";
    let firstChunkMs = 0;
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      body += decoder.decode(chunk, { stream: true });
      if (!firstChunkMs && body.includes('"text-delta"')) firstChunkMs = performance.now() - start;
    }
    const totalMs = performance.now() - start;
    if (!firstChunkMs || body.includes('"type":"error"')) {
      return { firstChunkMs, totalMs, error: `no answer: ${body.slice(0, 200)}` };
    }
    return { firstChunkMs, totalMs };
  } catch (error) {
    return { firstChunkMs: 0, totalMs: performance.now() - start, error: String(error) };
  }
}

/** Prints the first-chunk and whole-answer times of the answered questions; `bold` marks the target. */
function printTimes(results: Asked[], bold: "first" | "total") {
  const ok = results.filter((r) => !r.error);
  const first = summarize(ok.map((r) => r.firstChunkMs));
  const total = summarize(ok.map((r) => r.totalMs));
  const row = (label: string, s: typeof first, strong: boolean) =>
    `| ${label} | ${fmt(s.p50, 0)} | ${strong ? `**${fmt(s.p95, 0)}**` : fmt(s.p95, 0)} | ${fmt(s.max, 0)} |`;
  console.log("| figure | p50 ms | p95 ms | max ms |");
  console.log("|---|---|---|---|");
  console.log(row("first text chunk", first, bold === "first"));
  console.log(row("whole answer", total, bold === "total"));
  return { ok, first, total };
}

// --- 1. fifty visitors at once ------------------------------------------------------------

async function burst(server: Server) {
  const cookies: string[] = [];
  for (let i = 0; i < VISITORS; i++) cookies.push(await visitorCookie(server.base));
  // Warm-up: every code path once, as one visitor.
  for (let i = 0; i < 5; i++) await ask(server.base, cookies[0] as string, question(i));
  const results = await Promise.all(cookies.map((c, i) => ask(server.base, c, question(i))));
  console.log(`\n### 1. ${VISITORS} visitors ask at once on POST /api/chat\n`);
  const { first } = printTimes(results, "first");
  const errors = results.filter((r) => r.error);
  console.log(
    `\nErrors: ${errors.length} of ${results.length}${errors.length ? ` (first: ${errors[0]?.error})` : ""}. Target: first chunk p95 ≤ 500 ms with 0 errors: ${first.p95 <= 500 && errors.length === 0 ? "met" : "MISSED"}.`,
  );
}

// --- 2. health while hostile requests run -----------------------------------------------

interface Hostile {
  name: string;
  prepare?: () => Promise<void> | void;
  send: () => Promise<Response>;
}

function hostileRequests(server: Server): Hostile[] {
  const v2 = (pathname: string, init: RequestInit = {}) =>
    fetch(`${server.base}${pathname}`, {
      ...init,
      headers: { "x-api-key": API_KEY, ...(init.headers as Record<string, string>) },
    });
  const json = (body: unknown): RequestInit => ({
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const upload = (name: string, text: string) => {
    const form = new FormData();
    form.set("file", new File([text], name, { type: "text/markdown" }));
    return v2(`/v2/corpora/${CORPUS}/upload_file`, { method: "POST", body: form });
  };
  const db = () => new Database(path.join(server.dataDir, "engine.db"));
  return [
    {
      name: "GET /v2/chats?filter=.{0,999}z over 850 chats of 3.5 K characters",
      prepare: () => {
        const d = db();
        const insert = d.prepare(
          `INSERT INTO chats (id, first_query, first_answer, enabled, corpus_keys, created_at)
           VALUES (?, ?, ?, 1, '["${CORPUS}"]', ?)`,
        );
        d.transaction(() => {
          for (let i = 0; i < 850; i++) {
            const text = `how do I ${"configure the export settings ".repeat(120)} ${i}`;
            insert.run(`cht_load_${i}`, text, text, new Date().toISOString());
          }
        })();
        d.close();
      },
      send: () => v2(`/v2/chats?filter=${encodeURIComponent(".{0,999}z")}`),
    },
    {
      name: "GET /v2/chats?filter=.{0,90}z over the same chats (an accepted pattern)",
      send: () => v2(`/v2/chats?filter=${encodeURIComponent(".{0,90}z")}&limit=100`),
    },
    {
      name: "a turn on a chat of 1,000 turns",
      prepare: () => {
        const d = db();
        const chat = d.prepare(
          `INSERT INTO chats (id, first_query, first_answer, enabled, corpus_keys, created_at)
           VALUES ('cht_long', 'how do I export data?', 'From Reports.', 1, '["${CORPUS}"]', ?)`,
        );
        const turn = d.prepare(
          `INSERT INTO turns (id, chat_id, ordinal, query, answer, rephrased_query, enabled, created_at, sources)
           VALUES (?, 'cht_long', ?, ?, ?, ?, 1, ?, '[]')`,
        );
        d.transaction(() => {
          chat.run(new Date().toISOString());
          for (let i = 0; i < 1000; i++) {
            const q = `and what about export format number ${i}?`;
            turn.run(
              `trn_long_${i}`,
              i,
              q,
              "Exports are CSV or JSON. ".repeat(20),
              q,
              new Date().toISOString(),
            );
          }
        })();
        d.close();
      },
      send: () =>
        v2(
          "/v2/chats/cht_long/turns",
          json({
            query: "and how long does it take?",
            search: { corpora: [{ corpus_key: CORPUS }] },
          }),
        ),
    },
    {
      name: "upload_file: 3 MB Markdown that is one word",
      send: () => upload("one-word.md", "a".repeat(3_000_000)),
    },
    {
      name: "upload_file: Markdown with a 160 KB line of `**a `",
      send: () => upload("stars.md", "**a ".repeat(40_000)),
    },
    {
      name: "query with a userfn reranker: datetime_parse with a 26-letter dMdM… pattern",
      send: () =>
        v2(
          `/v2/corpora/${CORPUS}/query`,
          json({
            query: "export",
            search: {
              reranker: {
                type: "userfn",
                user_function: `datetime_parse('${"1".repeat(40)}x', '${"dM".repeat(13)}')`,
              },
            },
          }),
        ),
    },
  ];
}

async function underHostile(server: Server) {
  console.log("\n### 2. /api/health while each hostile request runs\n");
  console.log(
    "| hostile request | status | its time ms | health n | health p50 ms | health p99 ms |",
  );
  console.log("|---|---|---|---|---|---|");
  let worstP99 = 0;
  let worstHostile = 0;
  let all4xxOr2xx = true;
  for (const h of hostileRequests(server)) {
    await h.prepare?.();
    const samples: number[] = [];
    let done = false;
    const poll = (async () => {
      while (!done) {
        const start = performance.now();
        const res = await fetch(`${server.base}/api/health`);
        await res.arrayBuffer();
        samples.push(performance.now() - start);
        await new Promise((r) => setTimeout(r, 25));
      }
    })();
    await new Promise((r) => setTimeout(r, 100));
    const start = performance.now();
    let status = 0;
    try {
      const res = await h.send();
      await res.arrayBuffer();
      status = res.status;
    } catch {
      status = -1;
    }
    const ms = performance.now() - start;
    done = true;
    await poll;
    const s = summarize(samples);
    worstP99 = Math.max(worstP99, s.p99);
    worstHostile = Math.max(worstHostile, ms);
    if (status < 200 || status >= 500) all4xxOr2xx = false;
    console.log(
      `| ${h.name} | ${status} | ${fmt(ms, 0)} | ${s.n} | ${fmt(s.p50, 1)} | **${fmt(s.p99, 1)}** |`,
    );
  }
  console.log(
    `\nTargets: health p99 ≤ 250 ms (worst ${fmt(worstP99, 1)}): ${worstP99 <= 250 ? "met" : "MISSED"}; each hostile request a 2xx or 4xx within 15 s (slowest ${fmt(worstHostile / 1000, 1)} s): ${all4xxOr2xx && worstHostile <= 15_000 ? "met" : "MISSED"}.`,
  );
}

// --- 3. sequential chats ----------------------------------------------------------------

async function sequential(server: Server) {
  const cookie = await visitorCookie(server.base);
  const results: Asked[] = [];
  for (let i = 0; i < SEQUENTIAL; i++) results.push(await ask(server.base, cookie, question(i)));
  console.log(`\n### 3. ${SEQUENTIAL} chats one after another on POST /api/chat\n`);
  const { ok } = printTimes(results, "total");
  console.log(
    `\nErrors: ${results.length - ok.length}. Baseline before the worker pool: p95 113 ms.`,
  );
}

// --- main --------------------------------------------------------------------------------

console.log(`bench:load — server on http://127.0.0.1:${PORT}`);
const server = startServer({
  port: PORT,
  apiKey: API_KEY,
  // The sequential run asks 200 questions as one visitor; the limit is not under test.
  env: {
    CHAT_RATE_LIMIT_PER_MINUTE: "100000",
    CHAT_RATE_LIMIT_PER_IP_PER_MINUTE: "1000000",
    // The server's cost per answer, not the visitor's reading pace (40 words a second by
    // default), which would hold each answer open for seconds and measure the timer.
    ANSWER_WORDS_PER_SECOND: "0",
    ...(process.env.ENGINE_WORKERS && { ENGINE_WORKERS: process.env.ENGINE_WORKERS }),
  },
});
let failed = false;
try {
  await waitUntilSeeded(server);
  const only = process.argv.find((a) => a.startsWith("--only="))?.slice(7);
  if (!only || only === "burst") await burst(server);
  if (!only || only === "hostile") await underHostile(server);
  if (!only || only === "sequential") await sequential(server);
} catch (error) {
  failed = true;
  console.error(`\nbench:load failed: ${error instanceof Error ? error.message : String(error)}`);
} finally {
  await server.stop();
}
process.exitCode = failed ? 1 : 0;
