/**
 * Citation markers in an answer: `[1]`, `[1, 2]`, `[1][2]`. Browser-safe (no
 * dependencies). A bracketed number glued to a word (`items[0]`) is code, not a marker.
 */
const NUMBER = "[1-9]\\d{0,2}";
const CITATION_PATTERN = new RegExp(`(?<!\\w)\\[(${NUMBER}(?:\\s*,\\s*${NUMBER})*)\\]`, "g");
const MARKER_WITH_SPACE = new RegExp(`\\s*${CITATION_PATTERN.source}`, "g");

/** The numbers an answer cites, in order of first use. */
export function citedIndexes(answer: string): number[] {
  const seen = new Set<number>();
  for (const group of answer.matchAll(CITATION_PATTERN)) {
    for (const n of (group[1] ?? "").split(",")) seen.add(Number(n.trim()));
  }
  return [...seen];
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
    for (const m of line.matchAll(CITATION_PATTERN)) {
      const before = line
        .slice(start, m.index)
        .replace(/^[\s.!?;|]+/, "")
        .replace(/^\d{1,3}\.\s+/, "")
        .replace(/\s*\|\s*/g, " ")
        .trim();
      start = (m.index ?? 0) + m[0].length;
      if (before.length < 12) continue;
      for (const n of (m[1] ?? "").split(",")) {
        const k = Number(n.trim());
        out.set(k, [...(out.get(k) ?? []), before]);
      }
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
