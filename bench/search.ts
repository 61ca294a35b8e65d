import { spawn } from "node:child_process";
import { availableParallelism, loadavg } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { BASELINES } from "./baselines";
import { evaluate } from "./metrics";
import {
  createBenchCorpus,
  type DocShape,
  indexDocuments,
  indexDocumentsBatch,
  PASS_BUDGET_MS,
  type QueryPass,
  queryPass,
  scaledDocument,
  sciFactDocument,
  startEngine,
  warmUp,
} from "./parley";
import { FILTER_EXPRESSION, loadSciFact, type SciFact, scaleCorpus, sciFactDir } from "./scifact";
import { notes, type Result, table } from "./search-report";
import { fmt, summarize } from "./stats";

/**
 * `npm run bench:search`: search quality, speed and memory of Parley's engine on
 * BEIR SciFact and on a 100k-part scale-up, next to MiniSearch and Orama.
 *
 *   --quick                      50 queries, 20k-part scale corpus (a smoke run)
 *   --only quality|speed|scale|baselines|batch   (comma-separated; default: all)
 *   --stages                     also time the engine's SQL by stage (word run, trigram
 *                                run, section run, loading hits), per query
 *   --cpu-prof=<dir>             write a V8 CPU profile of each child into <dir>
 *
 * Each system runs in its own child process, one after the other, so its peak RSS
 * (the kernel's high-water mark, `resourceUsage().maxRSS`) is its own and no two
 * runs compete for the machine's cores. Prints figures; never asserts.
 */

const SCALE_PARTS = 100_000;
const QUICK_SCALE_PARTS = 20_000;
const QUICK_QUERIES = 50;
const LIMIT = 100;

const SCENARIOS: Record<string, string[]> = {
  quality: ["parley-core", "parley-structured"],
  speed: ["parley-core"],
  scale: ["scale"],
  baselines: Object.keys(BASELINES),
  batch: ["parley-batch"],
};
const ORDER = [
  "parley-core",
  "parley-batch",
  "parley-structured",
  ...Object.keys(BASELINES),
  "scale",
];

const mib = (bytes: number) => bytes / 1024 / 1024;
const peakRssMiB = () => process.resourceUsage().maxRSS / 1024; // maxRSS is in KiB
const log = (m: string) => process.stderr.write(`  · ${m}\n`);

function flags(argv: string[]) {
  const quick = argv.includes("--quick");
  const stages = argv.includes("--stages");
  const child = argv[argv.indexOf("--child") + 1];
  const onlyArg = argv.includes("--only") ? argv[argv.indexOf("--only") + 1] : undefined;
  const only = onlyArg ? onlyArg.split(",") : Object.keys(SCENARIOS);
  for (const o of only)
    if (!SCENARIOS[o]) throw new Error(`--only: unknown '${o}' (${Object.keys(SCENARIOS)})`);
  const prof = argv.find((a) => a.startsWith("--cpu-prof="));
  return {
    quick,
    stages,
    child: argv.includes("--child") ? child : undefined,
    only,
    /** `--cpu-prof=<dir>`: each child writes a V8 CPU profile there (for finding the hot stage). */
    profileDir: prof ? path.resolve(prof.slice("--cpu-prof=".length)) : undefined,
  };
}

// ------------------------------------------------------------------ children

async function runParleySciFact(
  data: SciFact,
  shape: DocShape,
  opts: ChildOptions,
): Promise<Result> {
  const { quick } = opts;
  const queries = quick ? data.queries.slice(0, QUICK_QUERIES) : data.queries;
  const rssStartMiB = mib(process.memoryUsage().rss);
  const h = startEngine({ stages: opts.stages });
  try {
    const corpus = `scifact_${shape}`;
    await createBenchCorpus(h.client, corpus);
    log(`parley ${shape}: indexing ${data.docs.length} documents`);
    const idx = await indexDocuments(
      h.client,
      corpus,
      data.docs.map((d) => sciFactDocument(d, shape)),
    );
    log(`parley ${shape}: ${idx.parts} parts in ${fmt(idx.ms / 1000, 1)} s; querying`);
    await warmUp(h, corpus, queries);
    const plain = await queryPass(h, corpus, queries, { limit: LIMIT, filtered: false });
    const filtered = await queryPass(h, corpus, queries, { limit: LIMIT, filtered: true });
    // A pass stopped by its time budget is scored over the queries it ran.
    const judged = queries.slice(0, plain.stoppedAfter ?? queries.length);
    const q = evaluate({ runs: plain.runs, qrels: subsetQrels(data, judged) });
    return {
      system: `Parley (${shape === "core" ? "core, 1 part/doc" : "structured, sentence parts"})`,
      corpus: "SciFact",
      docs: idx.docs,
      parts: idx.parts,
      indexMs: idx.ms,
      ndcg10: q.ndcg10,
      recall100: q.recall100,
      ...passFigures(plain, filtered, queries.length, rssStartMiB),
    };
  } finally {
    h.close();
  }
}

/** The figures both Parley runs report from their unfiltered and filtered passes. */
function passFigures(plain: QueryPass, filtered: QueryPass, queries: number, rssStartMiB: number) {
  const s = summarize(plain.samples);
  const f = summarize(filtered.samples);
  const wall = plain.samples.reduce((a, b) => a + b, 0);
  return {
    queries,
    p50: s.p50,
    p95: s.p95,
    p50f: f.p50,
    p95f: f.p95,
    engineShare: wall ? plain.engineMs / wall : undefined,
    stages: plain.stages,
    stagesFiltered: filtered.stages,
    meanParts: plain.meanParts,
    meanDocs: plain.meanDocs,
    rssStartMiB,
    peakRssMiB: peakRssMiB(),
    error: passNote(plain, filtered, queries),
  };
}

/**
 * SciFact's abstracts (one part each) indexed through the batch path seeding and the
 * ingest CLI use (`engine.indexDocuments`), in process: indexing speed only.
 */
async function runParleyBatch(data: SciFact): Promise<Result> {
  const rssStartMiB = mib(process.memoryUsage().rss);
  const h = startEngine();
  try {
    await createBenchCorpus(h.client, "scifact_batch");
    log(`parley batch: indexing ${data.docs.length} documents`);
    const idx = await indexDocumentsBatch(
      h,
      "scifact_batch",
      data.docs.map((d) => sciFactDocument(d, "core")),
    );
    log(`parley batch: ${idx.parts} parts in ${fmt(idx.ms / 1000, 1)} s`);
    return {
      system: "Parley (core, 1 part/doc), batch indexing",
      corpus: "SciFact",
      docs: idx.docs,
      parts: idx.parts,
      indexMs: idx.ms,
      rssStartMiB,
      peakRssMiB: peakRssMiB(),
    };
  } finally {
    h.close();
  }
}

async function runScale(data: SciFact, opts: ChildOptions): Promise<Result> {
  const { quick } = opts;
  const queries = quick ? data.queries.slice(0, QUICK_QUERIES) : data.queries;
  const target = quick ? QUICK_SCALE_PARTS : SCALE_PARTS;
  const docs = scaleCorpus(quick ? data.docs.slice(0, 1200) : data.docs, target);
  const rssStartMiB = mib(process.memoryUsage().rss);
  const h = startEngine({ stages: opts.stages });
  try {
    await createBenchCorpus(h.client, "scale");
    const total = docs.reduce((n, d) => n + d.parts.length, 0);
    log(`scale: indexing ${docs.length} documents, ${total} parts`);
    const idx = await indexDocuments(h.client, "scale", docs.map(scaledDocument), (n) =>
      log(`scale: ${n}/${docs.length} documents`),
    );
    log(`scale: ${idx.parts} parts in ${fmt(idx.ms / 1000, 1)} s; querying`);
    await warmUp(h, "scale", queries);
    const plain = await queryPass(h, "scale", queries, { limit: LIMIT, filtered: false });
    const filtered = await queryPass(h, "scale", queries, { limit: LIMIT, filtered: true });
    return {
      system: "Parley (core, sentence parts)",
      corpus: `SciFact ×${Math.round(docs.length / Math.min(docs.length, quick ? 1200 : data.docs.length))}, perturbed`,
      docs: idx.docs,
      parts: idx.parts,
      indexMs: idx.ms,
      ...passFigures(plain, filtered, queries.length, rssStartMiB),
    };
  } finally {
    h.close();
  }
}

async function runBaseline(name: string, data: SciFact, quick: boolean): Promise<Result> {
  const queries = quick ? data.queries.slice(0, QUICK_QUERIES) : data.queries;
  const rssStartMiB = mib(process.memoryUsage().rss);
  const make = BASELINES[name];
  if (!make) throw new Error(`no baseline '${name}'`);
  const b = make();
  const start = performance.now();
  await b.index(data.docs);
  const indexMs = performance.now() - start;
  for (const q of queries.slice(0, 20)) await b.search(q.text, { limit: LIMIT, filtered: false });
  const pass = async (filtered: boolean) => {
    const samples: number[] = [];
    const runs = new Map<string, string[]>();
    for (const q of queries) {
      const t = performance.now();
      const ids = await b.search(q.text, { limit: LIMIT, filtered });
      samples.push(performance.now() - t);
      runs.set(q.id, ids);
    }
    return { samples, runs };
  };
  const plain = await pass(false);
  const filtered = await pass(true);
  const q = evaluate({ runs: plain.runs, qrels: subsetQrels(data, queries) });
  const s = summarize(plain.samples);
  const f = summarize(filtered.samples);
  return {
    system: b.name,
    settings: b.settings,
    corpus: "SciFact",
    docs: data.docs.length,
    parts: data.docs.length,
    indexMs,
    ndcg10: q.ndcg10,
    recall100: q.recall100,
    queries: queries.length,
    p50: s.p50,
    p95: s.p95,
    p50f: f.p50,
    p95f: f.p95,
    rssStartMiB,
    peakRssMiB: peakRssMiB(),
  };
}

function subsetQrels(data: SciFact, queries: SciFact["queries"]) {
  return new Map(queries.map((q) => [q.id, data.qrels.get(q.id) ?? new Set<string>()]));
}

function passNote(plain: QueryPass, filtered: QueryPass, total: number): string | undefined {
  const notes: string[] = [];
  const failed = plain.errors + filtered.errors;
  if (failed)
    notes.push(`${failed} queries failed, e.g. ${plain.firstError ?? filtered.firstError}`);
  for (const [name, p] of [
    ["unfiltered", plain],
    ["filtered", filtered],
  ] as const)
    if (p.stoppedAfter !== undefined)
      notes.push(
        `the ${name} pass hit its ${PASS_BUDGET_MS / 1000} s budget after ${p.stoppedAfter} of ${total} queries (figures over those)`,
      );
  return notes.length ? notes.join("; ") : undefined;
}

interface ChildOptions {
  quick: boolean;
  stages: boolean;
}

async function runChild(name: string, opts: ChildOptions) {
  const { quick } = opts;
  const data = loadSciFact();
  if (!data) throw new Error("SciFact not found");
  let result: Result;
  try {
    if (name === "parley-core") result = await runParleySciFact(data, "core", opts);
    else if (name === "parley-structured")
      result = await runParleySciFact(data, "structured", opts);
    else if (name === "scale") result = await runScale(data, opts);
    else if (name === "parley-batch") result = await runParleyBatch(data);
    else result = await runBaseline(name, data, quick);
  } catch (e) {
    // The engine is built in steps: a missing endpoint is a row with a note, not a crash.
    result = {
      system: name,
      corpus: "SciFact",
      peakRssMiB: peakRssMiB(),
      error: e instanceof Error ? e.message : String(e),
    };
  }
  process.stdout.write(`@@result ${JSON.stringify(result)}\n`);
}

// ------------------------------------------------------------------ parent

function spawnChild(name: string, opts: ChildOptions, profileDir?: string): Promise<Result> {
  const self = fileURLToPath(import.meta.url);
  const prof = profileDir ? ["--cpu-prof", `--cpu-prof-dir=${profileDir}`] : [];
  const args = [...process.execArgv, ...prof, self, "--child", name];
  if (opts.quick) args.push("--quick");
  if (opts.stages) args.push("--stages");
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (chunk: string) => {
      out += chunk;
    });
    child.on("error", reject);
    child.on("close", (code) => {
      const line = out.split("\n").find((l) => l.startsWith("@@result "));
      if (line) resolve(JSON.parse(line.slice("@@result ".length)) as Result);
      else reject(new Error(`child '${name}' exited ${code} without a result:\n${out}`));
    });
  });
}

async function main() {
  const { quick, stages, child, only, profileDir } = flags(process.argv.slice(2));
  if (child) return runChild(child, { quick, stages });

  const dir = sciFactDir();
  const data = loadSciFact(dir);
  if (!data) {
    console.log(
      `search: skipped: SciFact not found at ${dir} (set SHARED_DIR to the shared folder)`,
    );
    return;
  }
  const wanted = new Set(only.flatMap((o) => SCENARIOS[o] ?? []));
  const names = ORDER.filter((n) => wanted.has(n));
  const queries = quick ? QUICK_QUERIES : data.queries.length;
  console.log(
    `search: SciFact ${data.docs.length} docs, ${queries} test queries, top ${LIMIT}; ` +
      `filter '${FILTER_EXPRESSION}' (~20% of docs)${quick ? "; --quick" : ""}`,
  );
  const started = performance.now();
  const loadStart = loadavg()[0] ?? 0;
  const results: Result[] = [];
  for (const name of names) {
    const t = performance.now();
    process.stderr.write(`${name}…\n`);
    results.push(await spawnChild(name, { quick, stages }, profileDir));
    process.stderr.write(`${name}: ${fmt((performance.now() - t) / 1000, 1)} s\n`);
  }
  console.log("");
  table(results);
  console.log("");
  notes(results, quick);
  // Other work on the machine skews latencies: say how busy it was.
  console.log(
    `\nsearch: done in ${fmt((performance.now() - started) / 1000, 0)} s; ` +
      `1-min load average ${fmt(loadStart, 2)} at start, ${fmt(loadavg()[0] ?? 0, 2)} at end, ${availableParallelism()} cores`,
  );
}

await main();
