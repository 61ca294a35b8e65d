/**
 * How an answer benchmark scores one question: where the first gold page ranks among
 * the distinct documents of the results, and whether a gold answer sentence appears in
 * the answer text. Pure, so `test/bench-answers-score.test.ts` can check it by hand.
 */

/** Distinct document ids in the order their first result appears. */
export function rankedDocuments(results: Array<{ documentId: string }>): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const r of results) {
    if (seen.has(r.documentId)) continue;
    seen.add(r.documentId);
    out.push(r.documentId);
  }
  return out;
}

/** 1-based rank of the first gold document, or undefined when none was returned. */
export function goldRank(documents: string[], gold: string[]): number | undefined {
  const i = documents.findIndex((d) => gold.includes(d));
  return i === -1 ? undefined : i + 1;
}

/**
 * Text as compared: citations (`[3]`), Markdown emphasis and list markers dropped,
 * anything that is not a letter or digit turned into one space, lower case. So the
 * engine's "… five days [1]." and a gold "… five days." compare equal.
 */
export function normalizeForMatch(text: string): string {
  return text
    .replace(/\s*\[\d+(?:\s*[,;]\s*\d+)*\]/g, " ")
    .replace(/^\s*(?:\d{1,3}[.)]|[-*•])\s+/gm, " ")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
}

/** True when one of the gold sentences appears whole in the answer. */
export function answerHasGold(answer: string, goldSentences: string[]): boolean {
  const text = ` ${normalizeForMatch(answer)} `;
  return goldSentences.some((g) => {
    const gold = normalizeForMatch(g);
    return gold.length > 0 && text.includes(` ${gold} `);
  });
}

export interface Tally {
  n: number;
  at1: number;
  at5: number;
  reciprocal: number;
  answered: number;
}

export const emptyTally = (): Tally => ({ n: 0, at1: 0, at5: 0, reciprocal: 0, answered: 0 });

/** Adds one question: its gold rank (MRR counts ranks up to 10) and whether the answer holds gold. */
export function addToTally(t: Tally, rank: number | undefined, answered: boolean): void {
  t.n++;
  if (rank === 1) t.at1++;
  if (rank !== undefined && rank <= 5) t.at5++;
  if (rank !== undefined && rank <= 10) t.reciprocal += 1 / rank;
  if (answered) t.answered++;
}
