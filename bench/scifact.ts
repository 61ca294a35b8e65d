import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";

/**
 * Loader for BEIR SciFact (`corpus.jsonl`, `queries.jsonl`, `qrels/test.tsv`), plus
 * the helpers the search benchmark shares: sentence splitting, a year per document
 * for filtered queries, and a perturbed scale-up of the corpus to 100k+ parts.
 */

export interface SciDoc {
  id: string;
  title: string;
  text: string;
}

export interface SciQuery {
  id: string;
  text: string;
}

/** query id → the set of relevant corpus ids (all gains are 1 in SciFact). */
export type Qrels = Map<string, Set<string>>;

export interface SciFact {
  dir: string;
  docs: SciDoc[];
  /** The test queries: those that appear in `qrels/test.tsv`, in file order. */
  queries: SciQuery[];
  qrels: Qrels;
}

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** `$SHARED_DIR/data/scifact`, else `../shared/data/scifact` next to the repo. */
export function sciFactDir(): string {
  const shared = process.env.SHARED_DIR;
  if (shared) return path.join(shared, "data", "scifact");
  return path.resolve(repoRoot, "..", "shared", "data", "scifact");
}

const docLine = z.object({ _id: z.string(), title: z.string(), text: z.string() });
const queryLine = z.object({ _id: z.string(), text: z.string() });

function jsonl<T>(file: string, schema: z.ZodType<T>): T[] {
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((l) => l.trim())
    .map((l, i) => {
      const parsed = schema.safeParse(JSON.parse(l));
      if (!parsed.success) throw new Error(`${file}:${i + 1}: ${parsed.error.message}`);
      return parsed.data;
    });
}

export function parseQrels(tsv: string): Qrels {
  const qrels: Qrels = new Map();
  for (const line of tsv.split("\n").slice(1)) {
    const [qid, did, score] = line.trim().split("\t");
    if (!qid || !did || Number(score) <= 0) continue;
    const rel = qrels.get(qid) ?? new Set<string>();
    rel.add(did);
    qrels.set(qid, rel);
  }
  return qrels;
}

/** The data set, or `undefined` when the folder is absent (callers print "skipped"). */
export function loadSciFact(dir = sciFactDir()): SciFact | undefined {
  const files = ["corpus.jsonl", "queries.jsonl", path.join("qrels", "test.tsv")];
  if (!files.every((f) => existsSync(path.join(dir, f)))) return undefined;
  const docs = jsonl(path.join(dir, "corpus.jsonl"), docLine).map((d) => ({
    id: d._id,
    title: d.title,
    text: d.text,
  }));
  const qrels = parseQrels(readFileSync(path.join(dir, "qrels", "test.tsv"), "utf8"));
  const byId = new Map(jsonl(path.join(dir, "queries.jsonl"), queryLine).map((q) => [q._id, q]));
  const queries: SciQuery[] = [];
  for (const qid of qrels.keys()) {
    const q = byId.get(qid);
    if (q) queries.push({ id: qid, text: q.text });
  }
  return { dir, docs, queries, qrels };
}

/**
 * Sentences of an abstract. A plain rule (end punctuation, space, then a capital,
 * digit or bracket) is enough here: the abstracts are edited prose.
 */
export function splitSentences(text: string): string[] {
  return text
    .split(/(?<=[.!?])\s+(?=[A-Z0-9(["'])/)
    .map((s) => s.trim())
    .filter(Boolean);
}

/** A deterministic 32-bit hash (FNV-1a), for stable per-document attributes. */
export function hash32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** The filter attribute `doc.year`, spread evenly over 2000–2024 by id. */
export const yearOf = (docId: string) => 2000 + (hash32(docId) % 25);

/** The filter used for "with filter" latencies: keeps about 20% of documents. */
export const FILTER_MIN_YEAR = 2020;
export const FILTER_EXPRESSION = `doc.year >= ${FILTER_MIN_YEAR}`;

/** A small seeded PRNG (mulberry32), so the scaled corpus is the same on every run. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface ScaledDoc {
  id: string;
  title: string;
  year: number;
  /** One core part per sentence. */
  parts: string[];
}

/**
 * SciFact scaled to at least `minParts` sentence-level parts: copy 0 is the real
 * corpus; every further copy gets new document ids and light perturbation, so the
 * index holds no duplicate strings while term statistics stay realistic (Zipfian):
 * about 8% of the words of each sentence are replaced by words drawn from the
 * corpus' own token stream (so by frequency), and 5% of adjacent word pairs swap.
 */
export function scaleCorpus(docs: SciDoc[], minParts: number): ScaledDoc[] {
  const sentences = docs.map((d) => splitSentences(d.text));
  const perCopy = sentences.reduce((n, s) => n + s.length, 0);
  const copies = Math.max(1, Math.ceil(minParts / perCopy));
  const pool = docs
    .slice(0, 1000)
    .flatMap((d) => d.text.split(/\s+/))
    .filter((w) => /^[A-Za-z][a-z-]{2,}$/.test(w));
  const out: ScaledDoc[] = [];
  for (let c = 0; c < copies; c++) {
    const rand = rng(1000 + c);
    const perturb = (s: string) => {
      if (c === 0) return s;
      const words = s.split(" ");
      for (let i = 0; i < words.length; i++) {
        if (rand() < 0.08) words[i] = pool[Math.floor(rand() * pool.length)] as string;
        if (i > 0 && rand() < 0.05) {
          const prev = words[i - 1] as string;
          words[i - 1] = words[i] as string;
          words[i] = prev;
        }
      }
      return words.join(" ");
    };
    docs.forEach((d, i) => {
      const id = c === 0 ? d.id : `${d.id}-c${c}`;
      const parts = (sentences[i] as string[]).map(perturb);
      if (parts.length === 0) parts.push(perturb(d.title));
      out.push({ id, title: perturb(d.title), year: yearOf(id), parts });
    });
  }
  return out;
}
