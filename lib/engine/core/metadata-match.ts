import { allowedEdits, editDistance } from "./fuzzy";
import { wordTokens } from "./lexical";
import { porterStem } from "./stem";

/**
 * Fuzzy matching of short query texts against metadata values (`POST
 * /v2/corpora/{key}/metadata_query`). Pure: the values come from `store/metadata-query.ts`.
 *
 * Words are folded as the index folds them (`wordTokens`). A query word matches a value
 * word exactly (1), by the same Porter stem (0.9), as a prefix of it ("agree" →
 * "agreement": 0.6 to 0.9 by how much of the word it covers; at least 3 letters) or
 * within the typo distance of `core/fuzzy.ts` (none under 5 letters, 1 up to 7, 2 from
 * 8: 0.85 × (1 − edits / longer length)). A field's similarity is 0.75 × recall (the
 * mean best match of the query's words) + 0.25 × precision (the mean best match of the
 * value's words), so "lease agreement" is closer to a title "Lease agreement" than to a
 * long title that also holds both words; a list value scores as its best element. A
 * result's score is the weighted mean of its fields' similarities, in [0, 1].
 */

export const METADATA_MATCH_LIMITS = {
  /** Distinct words read from a query text; more is a 400. */
  queryWords: 16,
  /** Characters of a text value compared (the first ones): titles, names, categories. */
  valueChars: 200,
  /** Distinct words of one value compared (the first ones). */
  valueWords: 32,
  /** Elements of a list value compared (the first scalar ones). */
  listElements: 32,
  /** Words longer than this are matched exactly, by stem or by prefix, never by typo distance. */
  fuzzyWordChars: 32,
  /**
   * Edit-distance work per request, in cells (length × length of the two words). Past
   * it, words are still matched exactly, by stem and by prefix, but not by typo distance.
   * About 0.1 s; with repeated words (the usual case) it is never reached, since each
   * pair of words is compared once per request.
   */
  editCells: 20_000_000,
  /**
   * Distinct value words compared in full (stem, prefix, typo) per request, over all its
   * field queries; words first met past it match only exactly. With real metadata (a vocabulary
   * that repeats) it is never reached; it bounds a corpus of all-different words.
   */
  comparedWords: 50_000,
  /** Value words remembered per request (per field query), with their similarities and stems. */
  memo: 100_000,
};

export interface MetadataFieldQuery {
  field: string;
  words: QueryWord[];
  weight: number;
}

interface QueryWord {
  word: string;
  stem: string;
}

/** The distinct folded words of a query text, with their stems (at most `queryWords`; the caller checks). */
export function queryWords(text: string): QueryWord[] {
  return [...new Set(wordTokens(text))].map((word) => ({ word, stem: porterStem(word) }));
}

/** A metadata value as read from the store: text, a number as text, or a list of those. */
export type MetadataValue = string | string[] | undefined;

/**
 * Scores values against field queries with one request's memory and budget: create one
 * per request, so its cost is bounded by `METADATA_MATCH_LIMITS` whatever the corpus holds.
 */
export class MetadataMatcher {
  private cells = 0;
  private compared = 0;
  /** Per field query: a value word's similarity to each of the query's words. */
  private readonly memos: Array<Map<string, Float64Array>>;
  private readonly stems = new Map<string, string>();
  private readonly valueWordsMemo = new Map<string, string[]>();

  constructor(
    private readonly queries: readonly MetadataFieldQuery[],
    private readonly limits: typeof METADATA_MATCH_LIMITS = METADATA_MATCH_LIMITS,
  ) {
    this.memos = queries.map(() => new Map());
  }

  /** The weighted score of one result, `values[i]` being the value of `queries[i].field`. */
  score(values: readonly MetadataValue[]): number {
    let total = 0;
    let weights = 0;
    this.queries.forEach((q, i) => {
      weights += q.weight;
      if (q.weight > 0) total += q.weight * this.fieldSimilarity(i, values[i]);
    });
    return weights > 0 ? total / weights : 0;
  }

  private fieldSimilarity(i: number, value: MetadataValue): number {
    if (value === undefined) return 0;
    if (typeof value === "string") return this.textSimilarity(i, value);
    let best = 0;
    for (const v of value.slice(0, this.limits.listElements)) {
      best = Math.max(best, this.textSimilarity(i, v));
      if (best === 1) break;
    }
    return best;
  }

  private textSimilarity(i: number, text: string): number {
    const query = (this.queries[i] as MetadataFieldQuery).words;
    const words = this.valueWords(text);
    if (words.length === 0 || query.length === 0) return 0;
    const bestForQuery = new Float64Array(query.length);
    let precision = 0;
    for (const v of words) {
      const sims = this.similarities(i, v);
      let best = 0;
      for (let k = 0; k < sims.length; k++) {
        const s = sims[k] as number;
        if (s > best) best = s;
        if (s > (bestForQuery[k] as number)) bestForQuery[k] = s;
      }
      precision += best;
    }
    const recall = bestForQuery.reduce((a, b) => a + b, 0);
    if (recall === 0) return 0;
    return 0.75 * (recall / query.length) + 0.25 * (precision / words.length);
  }

  private valueWords(text: string): string[] {
    const clipped = text.slice(0, this.limits.valueChars);
    let words = this.valueWordsMemo.get(clipped);
    if (!words) {
      words = [...new Set(wordTokens(clipped))].slice(0, this.limits.valueWords);
      if (this.valueWordsMemo.size >= 10_000) this.valueWordsMemo.clear();
      this.valueWordsMemo.set(clipped, words);
    }
    return words;
  }

  /** A value word's similarity to each word of query `i`, computed once per request. */
  private similarities(i: number, v: string): Float64Array {
    const memo = this.memos[i] as Map<string, Float64Array>;
    let sims = memo.get(v);
    if (!sims) {
      const words = (this.queries[i] as MetadataFieldQuery).words;
      sims = new Float64Array(words.length);
      if (this.compared >= this.limits.comparedWords) {
        for (let k = 0; k < words.length; k++) sims[k] = (words[k] as QueryWord).word === v ? 1 : 0;
        return sims;
      }
      this.compared++;
      for (let k = 0; k < words.length; k++) sims[k] = this.compare(words[k] as QueryWord, v);
      if (memo.size >= this.limits.memo) memo.clear();
      memo.set(v, sims);
    }
    return sims;
  }

  private stem(v: string): string {
    let stem = this.stems.get(v);
    if (stem === undefined) {
      stem = porterStem(v);
      if (this.stems.size >= this.limits.memo) this.stems.clear();
      this.stems.set(v, stem);
    }
    return stem;
  }

  private compare(q: QueryWord, v: string): number {
    if (q.word === v) return 1;
    let best = 0;
    // Stems and prefixes keep the first letter, so only then are they worth computing.
    if (q.word[0] === v[0]) {
      // A word with the same stem starts with it, but for the stem's last letter (y → i).
      if (v.startsWith(q.stem.slice(0, -1)) && q.stem === this.stem(v)) return 0.9;
      if (q.word.length >= 3 && v.startsWith(q.word)) best = 0.6 + (0.3 * q.word.length) / v.length;
    }
    const max = allowedEdits(q.word.length);
    const limit = this.limits.fuzzyWordChars;
    if (
      max > 0 &&
      q.word.length <= limit &&
      v.length <= limit &&
      Math.abs(q.word.length - v.length) <= max &&
      this.cells < this.limits.editCells
    ) {
      this.cells += q.word.length * v.length;
      const d = editDistance(q.word, v, max);
      if (d <= max) best = Math.max(best, 0.85 * (1 - d / Math.max(q.word.length, v.length)));
    }
    return best;
  }
}
