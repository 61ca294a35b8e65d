import type { CompiledFilter } from "../core/filter";
import type { DB } from "./db";

/**
 * The parts a search may return: those of one corpus that pass its metadata filter,
 * as a bitset over part ids. The part runs read it inside their FTS5 statement
 * (`parley_allowed(rowid)` in the WHERE clause, see `withAllowed`), so BM25 is only
 * computed for allowed rows and the run ranks exactly the allowed parts: no
 * over-fetching, no second statement when a filter is selective.
 *
 * A set is computed once per corpus, filter and corpus generation (bumped by triggers on
 * any change to the corpus's documents, parts, their metadata or its filter attributes:
 * migration 5, so a write through another connection counts too) and kept for the
 * next queries. Computing it evaluates the filter once per document (the typed
 * attribute rows, by primary key) and marks the parts of the documents that pass
 * (about 14 ms at 135k parts for a filter that keeps a fifth of them).
 */
export interface AllowedParts {
  bits: Uint8Array;
  /** How many parts are allowed. */
  size: number;
  /** The documents with at least one allowed part, as a bitset over document row ids. */
  documents: Uint8Array;
}

interface Entry {
  generation: number;
  allowed: AllowedParts;
}

/** An engine's allowed sets (`EngineState.search.allowed`), most recently used last. */
export type AllowedCache = Map<string, Entry>;

const MAX_SETS = 16;
/** Connections `parley_allowed` is registered on: a function belongs to its connection. */
const registered = new WeakSet<DB>();
let current: Uint8Array | undefined;

/** Filter parameters as a cache key: a bigint (SQL INTEGER) is told apart from a number (REAL). */
const keyOf = (corpusId: number, filter: CompiledFilter | undefined) =>
  filter
    ? `${corpusId}\n${filter.sql}\n${JSON.stringify(filter.params, (_, v) =>
        typeof v === "bigint" ? { int: v.toString() } : v,
      )}`
    : `${corpusId}`;

export function allowedParts(
  db: DB,
  cache: AllowedCache,
  corpusId: number,
  filter: CompiledFilter | undefined,
): AllowedParts {
  register(db);
  const generation = (db
    .prepare("SELECT generation FROM corpora WHERE id = ?")
    .pluck()
    .get(corpusId) ?? -1) as number;
  const key = keyOf(corpusId, filter);
  const hit = cache.get(key);
  if (hit && hit.generation === generation) {
    cache.delete(key);
    cache.set(key, hit);
    return hit.allowed;
  }
  const allowed = compute(db, corpusId, filter);
  cache.delete(key);
  cache.set(key, { generation, allowed });
  while (cache.size > MAX_SETS) cache.delete(cache.keys().next().value as string);
  return allowed;
}

function compute(db: DB, corpusId: number, filter: CompiledFilter | undefined): AllowedParts {
  const max = (table: "parts" | "documents") =>
    (db.prepare(`SELECT COALESCE(MAX(id), 0) FROM ${table}`).pluck().get() as number) ?? 0;
  const bits = new Uint8Array(max("parts") + 1);
  const documents = new Uint8Array(max("documents") + 1);
  const params = [corpusId, ...(filter?.params ?? [])];
  let size = 0;
  const allow = (part: number) => {
    if (part < bits.length && bits[part] === 0) {
      bits[part] = 1;
      size++;
    }
  };
  if (filter?.usesParts) {
    // A part-level condition: every part of the corpus is tested.
    for (const [part, document] of db
      .prepare(
        `SELECT p.id, d.id FROM documents d CROSS JOIN parts p ON p.document_id = d.id
         WHERE d.corpus_id = ? AND (${filter.sql})`,
      )
      .raw()
      .iterate(...params) as Iterable<[number, number]>) {
      allow(part);
      if (document < documents.length) documents[document] = 1;
    }
    return { bits, size, documents };
  }
  // The filter reads only the document: it is evaluated once per document, and a passing
  // document's parts are one range of ids (they are written together, in one
  // transaction), checked by their count; a document whose parts are not is listed.
  const listParts = db.prepare("SELECT id FROM parts WHERE document_id = ?").pluck();
  for (const [document, lo, hi, count] of db
    .prepare(
      `SELECT d.id, (SELECT MIN(p.id) FROM parts p WHERE p.document_id = d.id),
              (SELECT MAX(p.id) FROM parts p WHERE p.document_id = d.id),
              (SELECT COUNT(*) FROM parts p WHERE p.document_id = d.id)
       FROM documents d WHERE d.corpus_id = ?${filter ? ` AND (${filter.sql})` : ""}`,
    )
    .raw()
    .iterate(...params) as Iterable<[number, number | null, number | null, number]>) {
    if (lo === null || hi === null) continue;
    if (document < documents.length) documents[document] = 1;
    if (hi - lo + 1 === count && hi < bits.length) {
      bits.fill(1, lo, hi + 1);
      size += count;
    } else {
      for (const part of listParts.all(document) as number[]) allow(part);
    }
  }
  return { bits, size, documents };
}

/**
 * Runs `fn` (synchronous SQLite calls) with `parley_allowed(id)` answering from
 * `bits` (an allowed set's parts or documents): 1 for an allowed id, 0 otherwise.
 */
export function withAllowed<T>(db: DB, bits: Uint8Array, fn: () => T): T {
  register(db);
  const previous = current;
  current = bits;
  try {
    return fn();
  } finally {
    current = previous;
  }
}

export const isAllowed = (allowed: AllowedParts, id: number) =>
  id < allowed.bits.length && allowed.bits[id] === 1;

function register(db: DB): void {
  if (registered.has(db)) return;
  registered.add(db);
  db.function("parley_allowed", (id: unknown) =>
    typeof id === "number" && current !== undefined && id < current.length ? current[id] : 0,
  );
}
