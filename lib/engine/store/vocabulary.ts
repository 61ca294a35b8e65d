import { closeTerms, type VocabularyTerm } from "../core/fuzzy";
import { porterStem } from "../core/stem";
import type { DB } from "./db";

/**
 * The word index's vocabulary (its porter stems, through `parts_fts_vocab`), for typo
 * tolerance. Whether a stem is indexed at all is an exact look-up (about 0.06 ms);
 * the list of stems near a typo comes from an in-memory copy of the vocabulary,
 * grouped by first letter, built on the first typo and rebuilt once the index has
 * grown or shrunk by a fifth (a stem missing from a stale copy can only make a
 * correction less likely, never wrong: candidates are checked against the index).
 */
interface Copy {
  maxId: number;
  byInitial: Map<string, VocabularyTerm[]>;
}

/** Where an engine keeps its copy (`EngineState.vocabulary`): one per engine and database. */
export interface VocabularyCache {
  copy?: Copy;
}

export const createVocabularyCache = (): VocabularyCache => ({});

/** Exact number of parts holding `stem` (0 when the index has never seen it). */
export function indexedPartCount(db: DB, stem: string): number {
  const n = db.prepare("SELECT doc FROM parts_fts_vocab WHERE term = ?").pluck().get(stem);
  return typeof n === "number" ? n : 0;
}

function vocabulary(db: DB, cache: VocabularyCache): Copy {
  const maxId = (db.prepare("SELECT COALESCE(MAX(id), 0) FROM parts").pluck().get() as number) ?? 0;
  const copy = cache.copy;
  if (copy && (copy.maxId === maxId || (maxId > 0 && Math.abs(maxId / copy.maxId - 1) < 0.2))) {
    return copy;
  }
  const byInitial = new Map<string, VocabularyTerm[]>();
  const rows = db.prepare("SELECT term, doc AS df FROM parts_fts_vocab").all() as VocabularyTerm[];
  for (const r of rows) {
    if (!/^\p{L}/u.test(r.term)) continue;
    const initial = r.term[0] as string;
    let list = byInitial.get(initial);
    if (!list) {
      list = [];
      byInitial.set(initial, list);
    }
    list.push(r);
  }
  const next = { maxId, byInitial };
  cache.copy = next;
  return next;
}

/**
 * A word the index can match for `stem`: FTS5 stems query words itself, and the porter
 * stemmer is not idempotent ("abus" stems to "abu"), so a stem that would change is
 * written as a word that stems to it.
 */
export function wordFor(stem: string): string | undefined {
  for (const w of [stem, `${stem}e`, `${stem}s`, `${stem}ing`, `${stem}ed`]) {
    if (porterStem(w) === stem) return w;
  }
  return undefined;
}

/**
 * The index terms a word the index has never seen most likely meant (`core/fuzzy.ts`),
 * as words FTS5 will match, keeping only those at least a fifth as frequent as the
 * most frequent (a rare neighbour is usually another typo in the documents).
 */
export function correctionsFor(
  db: DB,
  cache: VocabularyCache,
  word: string,
  stem: string,
): string[] {
  const initial = word[0];
  if (!initial) return [];
  const list = vocabulary(db, cache).byInitial.get(initial) ?? [];
  const found = closeTerms(word, stem, list);
  const top = found[0]?.df ?? 0;
  return found
    .filter((t) => t.df >= 0.2 * top)
    .map((t) => wordFor(t.term))
    .filter((w): w is string => w !== undefined);
}
