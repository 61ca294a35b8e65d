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
