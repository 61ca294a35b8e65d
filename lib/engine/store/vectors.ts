import type { DB } from "./db";

/**
 * Semantic vectors of parts (`part_vectors`, Float32 BLOBs), written after the
 * indexing transaction because embedding is a network call: `scheduleEmbedding`
 * runs one background loop per database that embeds every part lacking a vector
 * for the current model, in batches, until none is left. Until its vector lands a
 * part ranks lexically only. Queries read a corpus's vectors as one in-memory
 * matrix, rebuilt when the database has changed.
 */
export interface VectorEmbedder {
  model: string;
  embed(texts: string[], signal?: AbortSignal): Promise<number[][]>;
}

export const EMBED_BATCH = 64;
/** Texts are cut to this many characters before embedding (models truncate anyway). */
export const EMBED_MAX_CHARS = 8000;

export function encodeVector(v: ArrayLike<number>): Buffer {
  const f = Float32Array.from(v);
  return Buffer.from(f.buffer, f.byteOffset, f.byteLength);
}

export function decodeVector(b: Buffer): Float32Array {
  const copy = new Uint8Array(b.byteLength);
  copy.set(b);
  return new Float32Array(copy.buffer, 0, Math.floor(b.byteLength / 4));
}

export function putVectors(
  db: DB,
  model: string,
  rows: Array<{ partId: number; vector: ArrayLike<number> }>,
): void {
  const upsert = db.prepare(
    `INSERT INTO part_vectors (part_id, model, dim, vector)
     SELECT ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM parts WHERE id = ?)
     ON CONFLICT (part_id) DO UPDATE SET model = excluded.model, dim = excluded.dim, vector = excluded.vector`,
  );
  db.transaction(() => {
    for (const r of rows) {
      upsert.run(r.partId, model, r.vector.length, encodeVector(r.vector), r.partId);
    }
  })();
}

/** Parts with no vector for `model`, with the text to embed (title and heading first). */
export function listPartsWithoutVectors(
  db: DB,
  model: string,
  limit: number,
): Array<{ partId: number; text: string }> {
  const rows = db
    .prepare(
      `SELECT p.id AS partId,
              CASE WHEN NOT json_valid(d.metadata) THEN ''
                   WHEN json_type(d.metadata, '$.title') = 'text'
                   THEN json_extract(d.metadata, '$.title') ELSE '' END AS title,
              COALESCE(s.title, '') AS heading, p.text AS text
       FROM parts p
       JOIN documents d ON d.id = p.document_id
       LEFT JOIN sections s ON s.id = p.section_id
       LEFT JOIN part_vectors v ON v.part_id = p.id
       WHERE v.part_id IS NULL OR v.model <> ?
       ORDER BY p.id LIMIT ?`,
    )
    .all(model, limit) as Array<{ partId: number; title: string; heading: string; text: string }>;
  return rows.map((r) => ({
    partId: r.partId,
    text: [r.title, r.heading, r.text]
      .filter((s) => s !== "" && s !== r.text)
      .concat(r.text)
      .join("\n")
      .slice(0, EMBED_MAX_CHARS),
  }));
}

/**
 * What an engine keeps in memory about vectors (`EngineState.vectors`): its background
 * embedding loop, whether parts lack vectors, and each corpus's normalized matrix.
 */
export interface VectorCache {
  running?: Promise<void>;
  missing?: { key: string; model: string; missing: boolean };
  matrices: Map<string, { key: string; matrix: VectorMatrix }>;
}

export const createVectorCache = (): VectorCache => ({ matrices: new Map() });

/**
 * Starts (or joins) the engine's background embedding loop for `db`. Resolves when no
 * part lacks a vector, or on the first failure, which is logged; the next call retries.
 */
export function scheduleEmbedding(
  db: DB,
  cache: VectorCache,
  embedder: VectorEmbedder,
  log: (message: string) => void,
): Promise<void> {
  const current = cache.running;
  if (current) return current;
  const loop = (async () => {
    try {
      for (;;) {
        if (!db.open) return;
        const batch = listPartsWithoutVectors(db, embedder.model, EMBED_BATCH);
        if (batch.length === 0) return;
        const vectors = await embedder.embed(batch.map((b) => b.text));
        if (!db.open) return;
        putVectors(
          db,
          embedder.model,
          batch.map((b, i) => ({ partId: b.partId, vector: vectors[i] ?? [] })),
        );
      }
    } catch (error) {
      log(`engine: embedding parts failed, will retry on the next query: ${String(error)}`);
    } finally {
      cache.running = undefined;
    }
  })();
  cache.running = loop;
  return loop;
}

/** Cheap check, cached per database state: does any part lack a vector for `model`? */
export function hasPartsWithoutVectors(db: DB, cache: VectorCache, model: string): boolean {
  const key = stateKey(db);
  const cached = cache.missing;
  if (cached && cached.key === key && cached.model === model) return cached.missing;
  const parts = db.prepare("SELECT COUNT(*) FROM parts").pluck().get() as number;
  const done = db
    .prepare("SELECT COUNT(*) FROM part_vectors WHERE model = ?")
    .pluck()
    .get(model) as number;
  const missing = done < parts;
  cache.missing = { key, model, missing };
  return missing;
}

/** Changes whenever this connection (or another process) has written to the database. */
export function stateKey(db: DB): string {
  const changes = db.prepare("SELECT total_changes()").pluck().get() as number;
  const version = db.pragma("data_version", { simple: true }) as number;
  return `${changes}:${version}`;
}

export interface VectorMatrix {
  ids: number[];
  /** Row-major, each row L2-normalized, so a dot product is the cosine. */
  data: Float32Array;
  dim: number;
  row: Map<number, number>;
}

/** Every vector of a corpus for `model`, normalized, cached until the database changes. */
export function corpusVectors(
  db: DB,
  cache: VectorCache,
  corpusId: number,
  model: string,
): VectorMatrix {
  const key = stateKey(db);
  const perDb = cache.matrices;
  const name = `${corpusId}\u0000${model}`;
  const hit = perDb.get(name);
  if (hit && hit.key === key) return hit.matrix;
  const rows = db
    .prepare(
      `SELECT v.part_id AS id, v.dim AS dim, v.vector AS vector
       FROM part_vectors v JOIN parts p ON p.id = v.part_id
       WHERE p.corpus_id = ? AND v.model = ? ORDER BY v.part_id`,
    )
    .all(corpusId, model) as Array<{ id: number; dim: number; vector: Buffer }>;
  const dim = rows[0]?.dim ?? 0;
  const usable = rows.filter((r) => r.dim === dim);
  const data = new Float32Array(usable.length * dim);
  const ids: number[] = [];
  const row = new Map<number, number>();
  usable.forEach((r, i) => {
    const v = decodeVector(r.vector);
    let norm = 0;
    for (let k = 0; k < dim; k++) norm += (v[k] as number) ** 2;
    norm = Math.sqrt(norm) || 1;
    for (let k = 0; k < dim; k++) data[i * dim + k] = (v[k] as number) / norm;
    ids.push(r.id);
    row.set(r.id, i);
  });
  const matrix = { ids, data, dim, row };
  perDb.set(name, { key, matrix });
  return matrix;
}

/** Cosine of the query with every row; the query need not be normalized. */
export function cosineAll(m: VectorMatrix, query: ArrayLike<number>): Float32Array {
  const out = new Float32Array(m.ids.length);
  if (query.length !== m.dim || m.dim === 0) return out;
  let norm = 0;
  for (let k = 0; k < m.dim; k++) norm += (query[k] as number) ** 2;
  norm = Math.sqrt(norm) || 1;
  const q = Float32Array.from(query, (x) => x / norm);
  for (let i = 0; i < m.ids.length; i++) {
    let dot = 0;
    const base = i * m.dim;
    for (let k = 0; k < m.dim; k++) dot += (m.data[base + k] as number) * (q[k] as number);
    out[i] = dot;
  }
  return out;
}
