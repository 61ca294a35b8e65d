/**
 * Typo tolerance: for a query word the index has never seen, the index terms within a
 * small edit distance. Pure; the vocabulary comes from `store/vocabulary.ts`.
 *
 * Terms are porter stems, as the index holds them, so a typo is compared two ways:
 * its own stem against each stem ("pasword" → "password"), and, because a misspelt
 * word often stems differently from the word it meant ("replcation" → "replcat", not
 * "replic"), its leading letters against each stem when what is left over is a common
 * suffix ("replc" + "ation" → "replic"). The allowed distance grows with length: none
 * under 5 letters (too many real words sit one edit from a short word), 1 up to 7, 2
 * from 8. The closest terms win, then the most frequent.
 */

/** Restricted Damerau–Levenshtein distance, or `max + 1` once it must exceed `max`. */
export function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  if (a === b) return 0;
  const n = b.length;
  let prevPrev = new Array<number>(n + 1).fill(0);
  let prev = Array.from({ length: n + 1 }, (_, j) => j);
  let cur = new Array<number>(n + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    let rowMin = i;
    for (let j = 1; j <= n; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(
        (prev[j] as number) + 1,
        (cur[j - 1] as number) + 1,
        (prev[j - 1] as number) + cost,
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d = Math.min(d, (prevPrev[j - 2] as number) + 1);
      }
      cur[j] = d;
      if (d < rowMin) rowMin = d;
    }
    if (rowMin > max) return max + 1;
    [prevPrev, prev, cur] = [prev, cur, prevPrev];
  }
  const d = prev[n] as number;
  return d > max ? max + 1 : d;
}

/** How many edits a word of this length may be from the term it meant. */
export function allowedEdits(length: number): number {
  if (length < 5) return 0;
  return length < 8 ? 1 : 2;
}

const SUFFIX =
  /^(?:e|s|es|ed|er|ers|ing|ings|ion|ions|ation|ations|ment|ments|ly|al|ity|ive|able|ness)?$/;

export interface VocabularyTerm {
  term: string;
  /** How many parts hold it. */
  df: number;
}

/**
 * The index terms a typo most likely meant: those at the smallest distance (if within
 * `allowedEdits`), the most frequent first, at most `limit`. `vocabulary` holds the
 * terms that could be meant; the caller passes those sharing the word's first letter
 * (a typo rarely hits the first letter, and it keeps the scan short).
 */
export function closeTerms(
  word: string,
  stem: string,
  vocabulary: readonly VocabularyTerm[],
  limit = 2,
): VocabularyTerm[] {
  const max = allowedEdits(word.length);
  if (max === 0) return [];
  let best = max + 1;
  let found: VocabularyTerm[] = [];
  for (const v of vocabulary) {
    if (v.term.length < 3) continue;
    let d = editDistance(stem, v.term, max);
    if (d > 1) {
      // The word's head against the stem, when its tail is a common suffix: one edit.
      for (let cut = v.term.length - 1; cut <= v.term.length + 1; cut++) {
        if (cut < 3 || cut >= word.length || !SUFFIX.test(word.slice(cut))) continue;
        if (editDistance(word.slice(0, cut), v.term, 1) <= 1) d = 1;
      }
    }
    if (d === 0 || d > max || d > best) continue;
    if (d < best) {
      best = d;
      found = [];
    }
    found.push(v);
  }
  return found.sort((a, b) => b.df - a.df || (a.term < b.term ? -1 : 1)).slice(0, limit);
}
