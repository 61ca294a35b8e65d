import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import type { ServerResponse } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { buildChatRequest, MAX_USED_SEARCH_RESULTS } from "@/lib/chat/request";
import { createEngine, type Engine } from "@/lib/engine";
import { WEIGHTS } from "@/lib/engine/core/fusion";
import { createLlm } from "@/lib/engine/providers/llm";
import { ingest, parseFile, walkPaths } from "@/lib/ingest";
import { type ChatAnswer, createVectaraClient, type VectaraClient } from "@/lib/vectara";
import { startServer } from "../test/support/http-server";
import { ParagraphBm25 } from "./answers/baseline";
import {
  addToTally,
  answerHasGold,
  emptyTally,
  goldRank,
  normalizeForMatch,
  rankedDocuments,
  type Tally,
} from "./answers/score";
import {
  type Conversation,
  type Question,
  type QuestionFile,
  questionFileSchema,
} from "./answers/set";
import { fmt, summarize } from "./stats";

/**
 * `npm run bench:answers`: retrieval and extractive-answer quality on documentation
 * this project did not write (`bench/answers/sets/*.json`, by default the PostgreSQL 15
 * manual from Debian's `postgresql-doc-15`). The pages are ingested with the project's
 * own ingest path (`lib/ingest`, as `npm run ingest` does) into an engine on a SQLite
 * file; every question is asked as the app asks it (`buildChatRequest`, a new chat),
 * and every conversation's second turn as a turn on that chat. Prints recall@1,
 * recall@5 and MRR of the gold page among the distinct documents of the results, how
 * often a gold answer sentence appears in the extractive answer, the factual
 * consistency score of answers that hold gold against those that don't, plain FTS5
 * BM25 over paragraphs on the same questions, and, through an OpenAI-compatible server
 * started here, how often the prompt an LLM receives carries a gold sentence.
 *
 * The held-out half is scored only with `--final`; until then only the dev half is
 * printed. `--verbose` prints each dev miss. Never asserts.
 */

const args = process.argv.slice(2);
const final = args.includes("--final");
const verbose = args.includes("--verbose");
const skipLlm = args.includes("--no-llm");
const setArg = args.find((a) => a.startsWith("--set="))?.slice(6);
/** `--reuse=DIR`: keep the ingested engine in DIR and reuse it on the next run (for tuning). */
const reuseDir = args.find((a) => a.startsWith("--reuse="))?.slice(8);
/** `--wordnet`: expand queries with WordNet's synonyms too (off by default in the engine). */
const wordnet = args.includes("--wordnet");
const CORPUS = "docs";

// `--weights=document:0.3,expansion:0.4`: try other fusion weights (tuning on the dev half).
for (const pair of args
  .find((a) => a.startsWith("--weights="))
  ?.slice(10)
  .split(",") ?? []) {
  const [name, value] = pair.split(":");
  const w = WEIGHTS as unknown as Record<string, unknown>;
  if (!name || !(name in w) || typeof w[name] !== "number" || !Number.isFinite(Number(value))) {
    console.error(`unknown or bad weight: ${pair}`);
    process.exit(2);
  }
  w[name] = Number(value);
}
const SETS_DIR = path.resolve("bench/answers/sets");

/** The question files, merged per documentation folder so each folder is ingested once. */
function loadSets(): QuestionFile[] {
  const files = readdirSync(SETS_DIR)
    .filter((f) => f.endsWith(".json"))
    .filter((f) => !setArg || f.startsWith(setArg))
    .sort();
  const byRoot = new Map<string, QuestionFile>();
  for (const f of files) {
    const set = questionFileSchema.parse(JSON.parse(readFileSync(path.join(SETS_DIR, f), "utf8")));
    const merged = byRoot.get(set.root);
    if (!merged) byRoot.set(set.root, set);
    else {
      merged.questions.push(...set.questions);
      merged.conversations.push(...set.conversations);
    }
  }
  return [...byRoot.values()];
}

interface Outcome {
  id: string;
  split: "dev" | "heldout";
  question: string;
  rank?: number;
  answered: boolean;
  fcs?: number;
  answer: string;
  documents: string[];
  gold: string[];
  rephrased?: string;
  /** A gold sentence is in the passages the answer is made from (the first five results). */
  inPassages: boolean;
  ms: number;
}

function clientFor(engine: Engine): VectaraClient {
  return createVectaraClient({
    baseUrl: "http://parley.local",
    fetch: engine.handle,
    auth: { type: "api_key", apiKey: engine.apiKey },
    maxRetries: 0,
  });
}

function outcome(
  q: { id: string; split: "dev" | "heldout"; gold_pages: string[]; gold_sentences: string[] },
  question: string,
  a: ChatAnswer,
  ms: number,
): Outcome {
  const documents = rankedDocuments(a.searchResults);
  return {
    id: q.id,
    split: q.split,
    question,
    rank: goldRank(documents, q.gold_pages),
    answered: answerHasGold(a.answer, q.gold_sentences),
    fcs: a.factualConsistencyScore,
    answer: a.answer,
    documents,
    gold: q.gold_pages,
    rephrased: a.rephrasedQuery,
    inPassages: answerHasGold(
      a.searchResults
        .slice(0, MAX_USED_SEARCH_RESULTS)
        .map((r) => r.text.replace(/%(?:START|END)_SNIPPET%/g, ""))
        .join("\n"),
      q.gold_sentences,
    ),
    ms,
  };
}

async function ask(client: VectaraClient, q: Question): Promise<Outcome> {
  const start = performance.now();
  const a = await client.chats.create(buildChatRequest({ query: q.question, corpusKey: CORPUS }));
  return outcome(q, q.question, a, performance.now() - start);
}

async function converse(client: VectaraClient, c: Conversation): Promise<Outcome> {
  const first = await client.chats.create(
    buildChatRequest({ query: c.turns[0], corpusKey: CORPUS }),
  );
  if (!first.chatId) throw new Error(`${c.id}: the first turn was not stored`);
  const start = performance.now();
  const a = await client.turns.create(
    first.chatId,
    buildChatRequest({ query: c.turns[1], corpusKey: CORPUS }),
  );
  return outcome(c, `${c.turns[0]} → ${c.turns[1]}`, a, performance.now() - start);
}

function tallyOf(outcomes: Outcome[]): Tally {
  const t = emptyTally();
  for (const o of outcomes) addToTally(t, o.rank, o.answered);
  return t;
}

const pct = (k: number, n: number) => (n ? `${fmt((100 * k) / n, 1)}%` : "—");
const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : Number.NaN);

function row(label: string, outcomes: Outcome[]): string {
  const t = tallyOf(outcomes);
  const fcsHit = outcomes.filter((o) => o.answered && o.fcs !== undefined).map((o) => o.fcs ?? 0);
  const fcsMiss = outcomes.filter((o) => !o.answered && o.fcs !== undefined).map((o) => o.fcs ?? 0);
  return [
    label.padEnd(26),
    String(t.n).padStart(3),
    `${t.at1}/${t.n} ${pct(t.at1, t.n)}`.padStart(14),
    `${t.at5}/${t.n} ${pct(t.at5, t.n)}`.padStart(14),
    fmt(t.n ? t.reciprocal / t.n : Number.NaN, 3).padStart(6),
    `${t.answered}/${t.n} ${pct(t.answered, t.n)}`.padStart(14),
    pct(outcomes.filter((o) => o.inPassages).length, t.n).padStart(9),
    fmt(mean(fcsHit), 2).padStart(8),
    fmt(mean(fcsMiss), 2).padStart(9),
    String(outcomes.filter((o) => o.fcs === undefined).length).padStart(9),
  ].join("  ");
}

function printMisses(outcomes: Outcome[]): void {
  for (const o of outcomes.filter((x) => x.split === "dev")) {
    if (o.rank === 1 && o.answered) continue;
    console.log(
      `\n· ${o.id} rank ${o.rank ?? "—"}${o.answered ? "" : ", no gold sentence"}: ${o.question}`,
    );
    if (o.rephrased && o.rephrased !== o.question) console.log(`  rephrased: ${o.rephrased}`);
    console.log(`  gold: ${o.gold.join(", ")}; top: ${o.documents.slice(0, 5).join(", ")}`);
    console.log(`  answer (fcs ${o.fcs ?? "—"}): ${o.answer.slice(0, 400)}`);
  }
}

/** An OpenAI-compatible chat endpoint that records each prompt and answers "See [1]." */
async function startLlmStub() {
  const prompts: string[] = [];
  const server = await startServer((_req, res: ServerResponse, received) => {
    const body = JSON.parse(received.body) as {
      model: string;
      messages: Array<{ content: string }>;
    };
    prompts.push(body.messages.map((m) => m.content).join("\n"));
    res.writeHead(200, { "content-type": "text/event-stream" });
    const base = { id: "c", created: 0, model: body.model, object: "chat.completion.chunk" };
    res.write(
      `data: ${JSON.stringify({ ...base, choices: [{ index: 0, delta: { role: "assistant", content: "See [1]." } }] })}\n\n`,
    );
    res.write(
      `data: ${JSON.stringify({ ...base, choices: [{ index: 0, delta: {}, finish_reason: "stop" }] })}\n\n`,
    );
    res.end("data: [DONE]\n\n");
  });
  return { ...server, prompts };
}

async function main(): Promise<void> {
  const sets = loadSets();
  if (sets.length === 0) {
    console.log("skipped: no question sets in bench/answers/sets");
    return;
  }
  for (const set of sets) {
    if (!existsSync(set.root)) {
      console.log(`skipped: ${set.root} is missing (${set.corpus}); install it first`);
      return;
    }
  }
  const dir = mkdtempSync(path.join(tmpdir(), "parley-answers-"));
  try {
    for (const set of sets) await runSet(set, dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function runSet(set: QuestionFile, dir: string): Promise<void> {
  const dataDir = reuseDir ? path.resolve(reuseDir) : mkdtempSync(path.join(dir, "engine-"));
  mkdirSync(dataDir, { recursive: true });
  console.log(`\n${set.corpus}: ${set.root}`);
  let engine = createEngine({ dataDir, log: () => {}, wordnetSynonyms: wordnet });
  let client = clientFor(engine);
  const t0 = performance.now();
  const summary = await ingest({
    client,
    corpus: CORPUS,
    paths: [set.root],
    extensions: ["html", "htm", "md"],
    create: true,
    // One file at a time, so part ids (and so tie-breaks and the term sketch) are the
    // same on every run.
    concurrency: 1,
  });
  const parts = engine.db.prepare("SELECT COUNT(*) FROM parts").pluck().get() as number;
  console.log(
    `ingested ${summary.added} pages (${summary.failed.length} failed), ${parts} parts, in ${fmt((performance.now() - t0) / 1000, 1)} s`,
  );

  const questions = set.questions.filter((q) => final || q.split === "dev");
  const conversations = set.conversations.filter((c) => final || c.split === "dev");
  const asked: Outcome[] = [];
  for (const q of questions) asked.push(await ask(client, q));
  const followUps: Outcome[] = [];
  for (const c of conversations) followUps.push(await converse(client, c));

  // Plain FTS5 BM25 over paragraphs, on the same questions.
  const bm25 = new ParagraphBm25();
  for (const file of (await walkPaths([set.root], { extensions: ["html", "htm", "md"] })).files) {
    const parsed = await parseFile(file.id, readFileSync(file.absPath));
    if (parsed.kind === "structured") bm25.add(file.id, parsed.sections);
  }
  const baseline = (split: "dev" | "heldout") => {
    const t = emptyTally();
    for (const q of questions.filter((x) => x.split === split)) {
      addToTally(t, goldRank(bm25.search(q.question), q.gold_pages), false);
    }
    return t;
  };

  console.log(
    `\n${"".padEnd(26)}  ${"n".padStart(3)}  ${"recall@1".padStart(14)}  ${"recall@5".padStart(14)}  ${"MRR".padStart(6)}  ${"gold in answer".padStart(14)}  ${"in top 5".padStart(9)}  ${"FCS hit".padStart(8)}  ${"FCS miss".padStart(9)}  ${"no answer".padStart(9)}`,
  );
  for (const split of final ? (["dev", "heldout"] as const) : (["dev"] as const)) {
    console.log(
      row(
        `questions, ${split}`,
        asked.filter((o) => o.split === split),
      ),
    );
    console.log(
      row(
        `follow-ups, ${split}`,
        followUps.filter((o) => o.split === split),
      ),
    );
  }
  for (const split of final ? (["dev", "heldout"] as const) : (["dev"] as const)) {
    const t = baseline(split);
    console.log(
      `plain BM25 over paragraphs, ${split}: recall@1 ${pct(t.at1, t.n)}, recall@5 ${t.at5}/${t.n} ${pct(t.at5, t.n)}, MRR ${fmt(t.reciprocal / t.n, 3)}`,
    );
  }
  bm25.close();
  const times = summarize([...asked, ...followUps].map((o) => o.ms));
  console.log(
    `time per answer (whole chat request, in process): p50 ${fmt(times.p50, 1)} ms, p95 ${fmt(times.p95, 1)} ms`,
  );
  if (verbose) printMisses([...asked, ...followUps]);
  engine.close();

  if (skipLlm) return;
  // The same questions with an LLM configured: does the prompt it receives carry gold?
  const stub = await startLlmStub();
  try {
    engine = createEngine({
      dataDir,
      log: () => {},
      wordnetSynonyms: wordnet,
      llm: createLlm({ baseURL: `${stub.url}/v1`, model: "stub", apiKey: "x" }),
    });
    client = clientFor(engine);
    const carried = { dev: [0, 0], heldout: [0, 0] };
    const check = (split: "dev" | "heldout", gold: string[]) => {
      const prompt = normalizeForMatch(stub.prompts.at(-1) ?? "");
      const c = carried[split];
      c[1] = (c[1] ?? 0) + 1;
      if (gold.some((g) => prompt.includes(normalizeForMatch(g)))) c[0] = (c[0] ?? 0) + 1;
    };
    for (const q of questions) {
      await client.chats.create(buildChatRequest({ query: q.question, corpusKey: CORPUS }));
      check(q.split, q.gold_sentences);
    }
    for (const c of conversations) {
      const first = await client.chats.create(
        buildChatRequest({ query: c.turns[0], corpusKey: CORPUS }),
      );
      await client.turns.create(
        first.chatId as string,
        buildChatRequest({ query: c.turns[1], corpusKey: CORPUS }),
      );
      check(c.split, c.gold_sentences);
    }
    for (const split of final ? (["dev", "heldout"] as const) : (["dev"] as const)) {
      const [k, n] = carried[split];
      console.log(
        `with an LLM, the prompt carries a gold sentence, ${split}: ${k}/${n} ${pct(k ?? 0, n ?? 0)}`,
      );
    }
  } finally {
    engine.close();
    await stub.close();
  }
}

await main();
