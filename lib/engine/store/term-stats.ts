import { indexedTitle, wordTokens } from "../core/lexical";
import { porterStem } from "../core/stem";
import type { DB } from "./db";

/**
 * Estimated document frequencies, to keep each query's candidate set bounded: a
 * term in most parts adds little to BM25 but makes FTS5 score every one of those
 * parts. Exact counts cost a doclist scan per term (~0.2 ms each through
 * fts5vocab), so they come from a sketch instead: a random sample of indexed parts,
 * tokenized the way the index tokenizes them. A term missing from the sample is
 * treated as rare, which is the safe side (it is kept in the query). The sketch is
 * rebuilt when the index has grown or shrunk by a fifth, or is old and has changed.
 */
export interface TermStats {
  /** Parts in the index (all corpora: FTS statistics are global). */
  parts: number;
  /** Estimated number of parts holding an index term (a stem). */
  wordDf(stem: string): number;
  /** Estimated number of parts holding a character trigram. */
  trigramDf(trigram: string): number;
}

const SAMPLE = 1500;
const MAX_AGE_MS = 10 * 60 * 1000;

interface Sketch {
  maxId: number;
  parts: number;
  sampled: number;
  words: Map<string, number>;
  trigrams: Map<string, number>;
  builtAt: number;
  changes: number;
}

/** Where an engine keeps its sketch (`EngineState.termStats`): one per engine and database. */
export interface TermStatsCache {
  sketch?: Sketch;
}

export const createTermStatsCache = (): TermStatsCache => ({});

export function getTermStats(db: DB, cache: TermStatsCache): TermStats {
  const maxId = (db.prepare("SELECT COALESCE(MAX(id), 0) FROM parts").pluck().get() as number) ?? 0;
  const changes = db.prepare("SELECT total_changes()").pluck().get() as number;
  let sketch = cache.sketch;
  if (!sketch || stale(sketch, maxId, changes)) {
    sketch = buildSketch(db, maxId, changes);
    cache.sketch = sketch;
  }
  const s = sketch;
  const scale = s.sampled ? s.parts / s.sampled : 0;
  return {
    parts: s.parts,
    wordDf: (stem) => (s.words.get(stem) ?? 0) * scale,
    trigramDf: (tri) => (s.trigrams.get(tri) ?? 0) * scale,
  };
}

function stale(s: Sketch, maxId: number, changes: number): boolean {
  if (maxId === 0 || s.maxId === 0) return maxId !== s.maxId;
  const ratio = maxId / s.maxId;
  if (ratio > 1.2 || ratio < 0.8) return true;
  return changes !== s.changes && Date.now() - s.builtAt > MAX_AGE_MS;
}

function buildSketch(db: DB, maxId: number, changes: number): Sketch {
  const parts = db.prepare("SELECT COUNT(*) FROM parts").pluck().get() as number;
  const sketch: Sketch = {
    maxId,
    parts,
    sampled: 0,
    words: new Map(),
    trigrams: new Map(),
    builtAt: Date.now(),
    changes,
  };
  if (parts === 0) return sketch;
  const ids = new Set<number>();
  if (parts <= SAMPLE) {
    for (const id of db.prepare("SELECT id FROM parts").pluck().all() as number[]) ids.add(id);
  } else {
    // Evenly spaced ids (deterministic, so rankings are repeatable). Ids are dense
    // unless many parts were deleted; drawing 3× covers the gaps.
    const draws = SAMPLE * 3;
    for (let i = 0; i < draws; i++) ids.add(1 + Math.floor((i * maxId) / draws));
  }
  const rows = db
    .prepare(
      `SELECT CASE WHEN NOT json_valid(d.metadata) THEN ''
                   WHEN json_type(d.metadata, '$.title') = 'text'
                   THEN json_extract(d.metadata, '$.title') ELSE '' END AS title,
              COALESCE(s.title, '') AS heading, p.text AS text
       FROM json_each(?) j
       CROSS JOIN parts p ON p.id = j.value
       CROSS JOIN documents d ON d.id = p.document_id
       LEFT JOIN sections s ON s.id = p.section_id
       LIMIT ${SAMPLE}`,
    )
    .all(JSON.stringify([...ids])) as Array<{ title: string; heading: string; text: string }>;
  const stems = new Map<string, string>();
  for (const r of rows) {
    // As the index holds them: title and heading clipped, long words cut.
    const words = new Set(
      wordTokens(`${indexedTitle(r.title)} ${indexedTitle(r.heading)} ${r.text}`),
    );
    const seenStems = new Set<string>();
    const seenTri = new Set<string>();
    for (const w of words) {
      let stem = stems.get(w);
      if (stem === undefined) {
        stem = porterStem(w);
        stems.set(w, stem);
      }
      seenStems.add(stem);
      const chars = [...w];
      for (let i = 0; i + 3 <= chars.length; i++) seenTri.add(chars.slice(i, i + 3).join(""));
    }
    for (const s of seenStems) sketch.words.set(s, (sketch.words.get(s) ?? 0) + 1);
    for (const t of seenTri) sketch.trigrams.set(t, (sketch.trigrams.get(t) ?? 0) + 1);
  }
  sketch.sampled = rows.length;
  return sketch;
}
