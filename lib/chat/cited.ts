/** Citation markers in an answer: `[1]`, `[1, 2]`. Browser-safe (no dependencies). */
const CITATION_PATTERN = /\[(\d{1,3}(?:\s*,\s*\d{1,3})*)\]/g;

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
  return text
    .replace(CITATION_PATTERN, "")
    .replace(/ +([.,;:!?])/g, "$1")
    .trim();
}
