import type { Citation } from "./messages";
import { MAX_USED_SEARCH_RESULTS } from "./request";

/**
 * Citation markers in an answer: `[1]`, `[1, 2]`, `[1][2]`, and ranges `[2-4]` (also
 * with an en dash). Browser-safe (no dependencies). A bracketed number glued to a word
 * (`items[0]`) is code, not a marker.
 */
const NUMBER = "[1-9]\\d{0,2}";
const ITEM = `${NUMBER}(?:\\s*[-\u2013]\\s*${NUMBER})?`;
/** One bracket group; group 1 is what is inside the brackets. */
export const CITATION_PATTERN = new RegExp(`(?<!\\w)\\[(${ITEM}(?:\\s*,\\s*${ITEM})*)\\]`, "g");
const MARKER_WITH_SPACE = new RegExp(`\\s*${CITATION_PATTERN.source}`, "g");
/** A marker with the spaces or tabs before it (not line breaks), for removing it. */
const MARKER_WITH_BLANKS = new RegExp(`([ \\t]*)${CITATION_PATTERN.source}`, "g");

/** The widest range read as citations: `[1-20]`; `[1-200]` is not a marker. */
const MAX_RANGE = 20;

/**
 * The numbers inside one marker's brackets (`"1, 3-5"` → 1, 3, 4, 5), in the order
 * written; null when it holds a backwards or too wide range (not a marker).
 */
export function groupNumbers(inner: string): number[] | null {
  const out: number[] = [];
  for (const item of inner.split(",")) {
    const [from = 0, to = from] = item.split(/[-\u2013]/).map((n) => Number(n.trim()));
    if (to < from || to - from > MAX_RANGE) return null;
    for (let n = from; n <= to; n++) out.push(n);
  }
  return out;
}

/** Every marker in `text`: where it is, how long, and the numbers it cites. */
export function* citationMarkers(
  text: string,
): Generator<{ index: number; length: number; numbers: number[] }> {
  for (const m of text.matchAll(CITATION_PATTERN)) {
    const numbers = groupNumbers(m[1] ?? "");
    if (numbers) yield { index: m.index ?? 0, length: m[0].length, numbers };
  }
}

/** The numbers an answer cites, in order of first use. */
export function citedIndexes(answer: string): number[] {
  const seen = new Set<number>();
  for (const { numbers } of citationMarkers(answer)) for (const n of numbers) seen.add(n);
  return [...seen];
}

/** An answer's sources as a reader sees them (`numberSources`). */
export interface NumberedSources {
  /** The answer with its markers renumbered: `[1]` is the first source it cites. */
  text: string;
  /** The cited sources in reading order; `index` is the display number, 1…n. */
  cited: Citation[];
  /**
   * The results the answer was generated from but did not cite, in search order, one per
   * article and none of an article already cited; unnumbered (`index` is still the rank).
   */
  related: Citation[];
}

/**
 * Numbers an answer's sources 1…n in reading order (the order in which their first
 * marker appears) and rewrites its markers to match: Vectara numbers the search results
 * it was given, so an answer may cite `[4]` then `[2]` and leave 1, 3 and 5 unused. Pure,
 * and stable as an answer streams: text that arrives later never renumbers an earlier
 * marker. A marker's numbers are written in ascending order (`[3, 1]` → `[1, 2]`, a range
 * as a list); numbers no source has are dropped from a marker that cites a source, and a
 * marker that cites no source stays as written, unless its number would now read as
 * another source's (then it is dropped).
 *
 * Related are only the first `generatedFrom` results, those the answer was written from
 * (`max_used_search_results`): the search returns more, and the rest are only nearby.
 */
export function numberSources(
  answer: string,
  citations: readonly Citation[],
  { generatedFrom = MAX_USED_SEARCH_RESULTS }: { generatedFrom?: number } = {},
): NumberedSources {
  const byIndex = new Map(citations.map((c) => [c.index, c]));
  const display = new Map<number, number>();
  const cited: Citation[] = [];
  for (const { numbers } of citationMarkers(answer)) {
    for (const n of numbers) {
      const source = byIndex.get(n);
      if (!source || display.has(n)) continue;
      display.set(n, cited.length + 1);
      cited.push({ ...source, index: cited.length + 1 });
    }
  }
  const text =
    cited.length === 0
      ? answer
      : answer.replace(MARKER_WITH_BLANKS, (whole, blanks: string, inner: string) => {
          const numbers = groupNumbers(inner);
          if (!numbers) return whole;
          const shown = [...new Set(numbers.flatMap((n) => display.get(n) ?? []))];
          if (shown.length > 0) return `${blanks}[${shown.sort((a, b) => a - b).join(", ")}]`;
          return numbers.some((n) => n <= cited.length) ? "" : whole;
        });
  const shownDocuments = new Set(cited.map((c) => c.documentId));
  const related: Citation[] = [];
  for (const source of citations) {
    if (source.index > generatedFrom || shownDocuments.has(source.documentId)) continue;
    shownDocuments.add(source.documentId);
    related.push(source);
  }
  return { text, cited, related };
}

/** The answer without its citation markers, for the clipboard. */
export function withoutCitationMarkers(text: string): string {
  return text.replace(MARKER_WITH_SPACE, "").trim();
}

/**
 * What an answer quotes from each source: for every citation marker, the text right
 * before it back to the previous marker, sentence end or line start ("The reset link
 * expires after 30 minutes [1]." → 1: "The reset link expires after 30 minutes"), list
 * numbers and table pipes dropped. Used to highlight, in a source card, the sentences the
 * answer took from it.
 */
export function quotedBySource(answer: string): Map<number, string[]> {
  const out = new Map<number, string[]>();
  for (const line of answer.split(/\n+/)) {
    let start = 0;
    for (const m of citationMarkers(line)) {
      const before = line
        .slice(start, m.index)
        .replace(/^[\s.!?;|]+/, "")
        .replace(/^\d{1,3}\.\s+/, "")
        .replace(/\s*\|\s*/g, " ")
        .trim();
      start = m.index + m.length;
      if (before.length < 12) continue;
      for (const k of new Set(m.numbers)) out.set(k, [...(out.get(k) ?? []), before]);
    }
  }
  return out;
}

/** A source's text in pieces, `mark`ed where it holds one of `quotes` (whitespace-insensitive). */
export function markQuotes(
  text: string,
  quotes: readonly string[],
): Array<{ text: string; mark: boolean }> | undefined {
  const ranges: Array<[number, number]> = [];
  const spaced = collapseSpace(text);
  for (const quote of quotes) {
    const found = findQuote(spaced, quote);
    if (found) ranges.push(found);
  }
  if (ranges.length === 0) return undefined;
  ranges.sort((a, b) => a[0] - b[0]);
  const pieces: Array<{ text: string; mark: boolean }> = [];
  let at = 0;
  for (const [from, to] of ranges) {
    if (to <= at) continue;
    const start = Math.max(from, at);
    if (start > at) pieces.push({ text: text.slice(at, start), mark: false });
    pieces.push({ text: text.slice(start, to), mark: true });
    at = to;
  }
  if (at < text.length) pieces.push({ text: text.slice(at), mark: false });
  return pieces;
}

const SPACE = /\s/;

/** `text` with each run of whitespace as one space, and where each of its characters came from. */
function collapseSpace(text: string): { text: string; origin: number[] } {
  let out = "";
  const origin: number[] = [];
  let inSpace = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    const space = SPACE.test(c);
    if (!(space && inSpace)) {
      out += space ? " " : c;
      origin.push(i);
    }
    inSpace = space;
  }
  return { text: out, origin };
}

/**
 * Where `quote` first occurs in the text, any run of whitespace between its words
 * matching any other (the text's first match of `word\s+word…`): a linear search
 * (Knuth–Morris–Pratt) in the collapsed text, mapped back to the original's offsets.
 */
function findQuote(
  spaced: { text: string; origin: number[] },
  quote: string,
): [number, number] | undefined {
  const needle = quote.trim().split(/\s+/).join(" ");
  if (needle === "") return [0, 0];
  const fail = new Array<number>(needle.length).fill(0);
  for (let i = 1, k = 0; i < needle.length; i++) {
    while (k > 0 && needle[i] !== needle[k]) k = fail[k - 1] as number;
    if (needle[i] === needle[k]) k++;
    fail[i] = k;
  }
  const hay = spaced.text;
  for (let i = 0, k = 0; i < hay.length; i++) {
    while (k > 0 && hay[i] !== needle[k]) k = fail[k - 1] as number;
    if (hay[i] === needle[k]) k++;
    if (k === needle.length) {
      const start = spaced.origin[i - k + 1] as number;
      return [start, (spaced.origin[i] as number) + 1];
    }
  }
  return undefined;
}
