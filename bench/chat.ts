import { performance } from "node:perf_hooks";
import type { ChatRequest, ChatStreamEvent, EventStream, VectaraClient } from "@/lib/vectara";
import {
  createBenchCorpus,
  indexDocuments,
  scaledDocument,
  sciFactDocument,
  startEngine,
} from "./parley";
import { loadSciFact, type SciQuery, scaleCorpus, sciFactDir } from "./scifact";
import { fmt, summarize } from "./stats";

/**
 * `npm run bench:chat`: chat latency of the local engine with its default
 * (extractive) generator, through the typed client exactly as the app streams:
 * time to the first `generation_chunk` and to `end`, for a new chat and for a
 * follow-up turn, and throughput with 20 concurrent streaming chats. Prints figures;
 * asserts nothing. Flags: `--quick` (fewer chats, a 20k-part scaled corpus).
 */

const quick = process.argv.includes("--quick");
const CHATS = quick ? 30 : 100;
const SCALED_PARTS = quick ? 20_000 : 100_000;
const CONCURRENCY = 20;
const FOLLOW_UP = "Can you tell me more about that?";

interface Timing {
  firstChunkMs: number;
  endMs: number;
  chatId?: string;
}

async function timeStream(open: () => Promise<EventStream<ChatStreamEvent>>): Promise<Timing> {
  const start = performance.now();
  const stream = await open();
  let firstChunkMs = Number.NaN;
  let chatId: string | undefined;
  for await (const event of stream) {
    if (event.type === "chat_info") chatId = event.chatId;
    if (event.type === "generation_chunk" && Number.isNaN(firstChunkMs)) {
      firstChunkMs = performance.now() - start;
    }
  }
  return { firstChunkMs, endMs: performance.now() - start, chatId };
}

const request = (corpus: string, query: string): ChatRequest => ({
  query,
  search: { corpora: [{ corpus_key: corpus }], limit: 10 },
  generation: { max_used_search_results: 5 },
});

async function measure(client: VectaraClient, corpus: string, queries: SciQuery[]) {
  const create: Timing[] = [];
  const turn: Timing[] = [];
  for (const q of queries.slice(0, CHATS)) {
    const first = await timeStream(() => client.chats.createStream(request(corpus, q.text)));
    create.push(first);
    if (first.chatId) {
      const chatId = first.chatId;
      turn.push(
        await timeStream(() => client.turns.createStream(chatId, request(corpus, FOLLOW_UP))),
      );
    }
  }
  // Concurrency: waves of 20 streaming chats at once.
  const waves = Math.max(1, Math.floor(CHATS / CONCURRENCY));
  const concurrent: Timing[] = [];
  const wallStart = performance.now();
  for (let w = 0; w < waves; w++) {
    const batch = queries.slice(w * CONCURRENCY, (w + 1) * CONCURRENCY);
    const results = await Promise.all(
      batch.map((q) => timeStream(() => client.chats.createStream(request(corpus, q.text)))),
    );
    concurrent.push(...results);
  }
  const wallMs = performance.now() - wallStart;
  return { create, turn, concurrent, chatsPerSecond: concurrent.length / (wallMs / 1000) };
}

function row(label: string, timings: Timing[]) {
  const first = summarize(timings.map((t) => t.firstChunkMs).filter((n) => !Number.isNaN(n)));
  const end = summarize(timings.map((t) => t.endMs));
  return `| ${label} | ${timings.length} | ${fmt(first.p50, 1)} / ${fmt(first.p95, 1)} | ${fmt(end.p50, 1)} / ${fmt(end.p95, 1)} |`;
}

async function scenario(
  name: string,
  docs: Parameters<typeof indexDocuments>[2],
  queries: SciQuery[],
) {
  const h = startEngine();
  try {
    await createBenchCorpus(h.client, "bench");
    const indexed = await indexDocuments(h.client, "bench", docs);
    const m = await measure(h.client, "bench", queries);
    console.log(`\n### ${name}: ${indexed.docs} documents, ${indexed.parts} parts\n`);
    console.log("| stream | n | first chunk p50 / p95 ms | end p50 / p95 ms |");
    console.log("|---|---|---|---|");
    console.log(row("new chat", m.create));
    console.log(row("follow-up turn", m.turn));
    console.log(row(`new chat, ${CONCURRENCY} at once`, m.concurrent));
    console.log(
      // The kernel's high-water mark: in-process calls never yield to timers, so sampling would miss it.
      `\n${CONCURRENCY} concurrent streaming chats: ${fmt(m.chatsPerSecond, 1)} chats/s; process peak RSS so far ${fmt(process.resourceUsage().maxRSS / 1024, 0)} MiB`,
    );
  } finally {
    h.close();
  }
}

const data = loadSciFact();
if (!data) {
  console.log(
    `skipped: SciFact not found at ${sciFactDir()} (set SHARED_DIR to the shared folder)`,
  );
} else {
  console.log(`bench:chat — ${CHATS} chats per scenario${quick ? " (quick)" : ""}`);
  await scenario(
    "SciFact",
    data.docs.map((d) => sciFactDocument(d, "core")),
    data.queries,
  );
  const scaled = scaleCorpus(data.docs, SCALED_PARTS).map(scaledDocument);
  await scenario(
    `SciFact scaled to ≥${SCALED_PARTS.toLocaleString("en")} parts`,
    scaled,
    data.queries,
  );
}
