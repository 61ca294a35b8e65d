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
  for (const quote of quotes) {
    const words = quote.trim().split(/\s+/).map(escapeRegExp);
    if (words.length === 0) continue;
    const found = new RegExp(words.join("\\s+")).exec(text);
    if (found) ranges.push([found.index, found.index + found[0].length]);
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

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
