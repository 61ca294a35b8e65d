import { fmt } from "./stats";

/** The search benchmark's result rows and how they print (a table, then notes). */

export const TARGETS = {
  p95Ms: 25,
  /** Issue 13: filtered search at 100k+ parts, on typed filter storage. */
  p95FilteredMs: 15,
  partsPerSec: 3000,
  rssMiB: 500,
  ndcg10: 0.68,
};

export interface Result {
  system: string;
  corpus: string;
  settings?: string;
  docs?: number;
  parts?: number;
  indexMs?: number;
  ndcg10?: number;
  recall100?: number;
  queries?: number;
  p50?: number;
  p95?: number;
  p50f?: number;
  p95f?: number;
  /** Share of query wall time spent inside `engine.handle` (the rest is client + JSON). */
  engineShare?: number;
  /** With `--stages`: mean SQL ms per query by stage (unfiltered pass). */
  stages?: Record<string, number>;
  stagesFiltered?: Record<string, number>;
  meanParts?: number;
  meanDocs?: number;
  rssStartMiB?: number;
  peakRssMiB: number;
  error?: string;
}

/** NaN (no samples) travels through JSON as null: both print as a dash. */
const cell = (v: number | null | undefined, digits: number) =>
  v === undefined || v === null || !Number.isFinite(v) ? "—" : fmt(v, digits);
const partsPerSec = (r: Result) =>
  r.parts !== undefined && r.indexMs ? r.parts / (r.indexMs / 1000) : undefined;

export function table(results: Result[]) {
  const head = [
    "system",
    "corpus (docs / parts)",
    "nDCG@10",
    "R@100",
    "p50 ms",
    "p95 ms",
    "p50 filt",
    "p95 filt",
    "index s",
    "parts/s",
    "peak RSS MiB",
  ];
  const rows = results.map((r) => [
    r.system,
    r.docs !== undefined ? `${r.corpus} (${r.docs} / ${r.parts})` : r.corpus,
    cell(r.ndcg10, 3),
    cell(r.recall100, 3),
    cell(r.p50, 1),
    cell(r.p95, 1),
    cell(r.p50f, 1),
    cell(r.p95f, 1),
    cell(r.indexMs === undefined ? undefined : r.indexMs / 1000, 1),
    cell(partsPerSec(r), 0),
    cell(r.peakRssMiB, 0),
  ]);
  const widths = head.map((h, i) =>
    Math.max(h.length, ...rows.map((r) => (r[i] as string).length)),
  );
  const line = (cells: string[]) =>
    `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(" | ")} |`;
  console.log(line(head));
  console.log(`|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`);
  for (const r of rows) console.log(line(r));
}

export function notes(results: Result[], quick: boolean) {
  const mark = (ok: boolean) => (ok ? "meets" : "MISSES");
  for (const r of results) {
    if (r.error) console.log(`- ${r.system}: ${r.error}`);
    if (r.settings) console.log(`- ${r.system}: ${r.settings}`);
    if (r.engineShare !== undefined)
      console.log(
        `- ${r.system} on ${r.corpus}: ${fmt(100 * r.engineShare, 0)}% of query time inside engine.handle, ` +
          `rest in the client (validation, JSON, mapping); ${fmt(r.meanParts ?? 0, 1)} parts (${fmt(r.meanDocs ?? 0, 1)} documents) per query; ` +
          `RSS before indexing ${cell(r.rssStartMiB, 0)} MiB`,
      );
    for (const [label, st, p50] of [
      ["", r.stages, r.p50],
      [" with filter", r.stagesFiltered, r.p50f],
    ] as const) {
      if (!st) continue;
      const sql = Object.entries(st).sort((a, b) => b[1] - a[1]);
      console.log(
        `- ${r.system} on ${r.corpus}${label}, mean SQL ms per query (wall p50 ${cell(p50, 1)} ms): ` +
          sql.map(([k, ms]) => `${k} ${fmt(ms, 2)}`).join(", "),
      );
    }
    if (r.ndcg10 !== undefined && r.system.startsWith("Parley"))
      console.log(
        `- ${r.system}: nDCG@10 ${fmt(r.ndcg10, 3)} ${mark(r.ndcg10 >= TARGETS.ndcg10)} the ${TARGETS.ndcg10} target` +
          (quick ? ` (over ${r.queries} queries only: the target is for all 300)` : ""),
      );
  }
  const batch = results.find((r) => r.system.includes("batch indexing"));
  if (batch?.parts) {
    const pps = partsPerSec(batch) ?? 0;
    console.log(
      `- ${batch.system}: ${fmt(pps, 0)} parts/s: ${mark(pps >= TARGETS.partsPerSec)} ≥ ${TARGETS.partsPerSec} (engine.indexDocuments, in process)`,
    );
  }
  const scale = results.find((r) => r.corpus.includes("perturbed"));
  if (scale?.parts) {
    const pps = partsPerSec(scale) ?? 0;
    const worstP95 = Math.max(scale.p95 ?? Number.NaN, scale.p95f ?? Number.NaN);
    console.log(
      `- targets at ${scale.parts} parts${quick ? " (--quick: fewer than the targets' 100k)" : ""}: ` +
        `p95 ${cell(scale.p95, 1)} ms, filtered ${cell(scale.p95f, 1)} ms: ${mark(worstP95 <= TARGETS.p95Ms)} ≤ ${TARGETS.p95Ms} ms; ` +
        `filtered ${mark((scale.p95f ?? Number.NaN) <= TARGETS.p95FilteredMs)} ≤ ${TARGETS.p95FilteredMs} ms; ` +
        `${fmt(pps, 0)} parts/s: ${mark(pps >= TARGETS.partsPerSec)} ≥ ${TARGETS.partsPerSec}; ` +
        `peak RSS ${fmt(scale.peakRssMiB, 0)} MiB: ${mark(scale.peakRssMiB <= TARGETS.rssMiB)} ≤ ${TARGETS.rssMiB} MiB`,
    );
  }
}
