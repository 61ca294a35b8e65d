import { create, insertMultiple, search } from "@orama/orama";
import MiniSearch from "minisearch";
import { FILTER_MIN_YEAR, type SciDoc, yearOf } from "./scifact";

/**
 * In-memory JavaScript search libraries, indexed and queried with the same SciFact
 * documents and claims as Parley's engine, side by side in the same run.
 *
 * Settings: library BM25 defaults, fields `title` and `text`, OR of the query terms,
 * top 100, the filter on a numeric `year` field through the library's own mechanism.
 * Title boosted ×3 like Parley's FTS5 column weight; MiniSearch also runs unboosted,
 * because its boost multiplies a whole per-field BM25 score and costs it quality.
 * - MiniSearch 7.2: BM25+ k=1.2, b=0.7, d=0.5; tokenizer splits on Unicode space and
 *   punctuation, lower-cases; no stemming, no stop words; prefix and fuzzy off.
 *   Filter: the `filter` callback over the stored `year` field (applied to matches).
 * - Orama 3.1: "BM25" k=1.2, b=0.75, d=0.5; English splitter, lower-cases, no stemming
 *   or stop words by default; `threshold` 1 (any term matches). Filter: `where` on a
 *   `number` field (resolved before scoring). Its quality is low because it stores
 *   tf already divided by the field length and then length-normalizes again, with
 *   d = 0.5 added to the numerator, so term frequency barely counts
 *   (components/index.js `insertTokenScoreParameters`, algorithms.js `BM25`); its
 *   built-in English stemmer (`components.tokenizer.stemming`) does not change that
 *   (0.257 against 0.235 in a trial run).
 */

export interface Baseline {
  name: string;
  settings: string;
  /** Builds the index; resolves when it is queryable. */
  index(docs: SciDoc[]): Promise<void>;
  /** Best-first document ids, at most `limit`. */
  search(query: string, options: { limit: number; filtered: boolean }): Promise<string[]>;
}

interface MiniDoc {
  id: string;
  title: string;
  text: string;
  year: number;
}

export function miniSearchBaseline(titleBoost: number): Baseline {
  const ms = new MiniSearch<MiniDoc>({
    fields: ["title", "text"],
    storeFields: ["year"],
    searchOptions: { boost: { title: titleBoost } },
  });
  return {
    name: titleBoost === 1 ? "MiniSearch 7.2, no boost" : `MiniSearch 7.2, title ×${titleBoost}`,
    settings: `BM25+ defaults (k 1.2, b 0.7, d 0.5), title boost ${titleBoost}, OR, no stemming`,
    async index(docs) {
      ms.addAll(docs.map((d) => ({ ...d, year: yearOf(d.id) })));
    },
    async search(query, { limit, filtered }) {
      const hits = ms.search(
        query,
        filtered ? { filter: (r) => (r.year as number) >= FILTER_MIN_YEAR } : undefined,
      );
      return hits.slice(0, limit).map((h) => h.id as string);
    },
  };
}

const oramaSchema = { title: "string", text: "string", year: "number" } as const;

export function oramaBaseline(titleBoost: number): Baseline {
  const db = create({ schema: oramaSchema });
  return {
    name: `Orama 3.1, title ×${titleBoost}`,
    settings: `BM25 defaults (k 1.2, b 0.75, d 0.5), title boost ${titleBoost}, no stemming`,
    async index(docs) {
      await insertMultiple(
        db,
        docs.map((d) => ({ id: d.id, title: d.title, text: d.text, year: yearOf(d.id) })),
      );
    },
    async search(term, { limit, filtered }) {
      const result = await search(db, {
        term,
        properties: ["title", "text"],
        boost: { title: titleBoost },
        limit,
        where: filtered ? { year: { gte: FILTER_MIN_YEAR } } : undefined,
      });
      return result.hits.map((h) => h.id);
    },
  };
}

export const BASELINES: Record<string, () => Baseline> = {
  minisearch: () => miniSearchBaseline(3),
  "minisearch-flat": () => miniSearchBaseline(1),
  orama: () => oramaBaseline(3),
};
