import { splitSentences } from "../sentences";
import { stripCitations } from "./citations";
import { NO_ANSWER } from "./extractive";
import { analyze, cleanResultText, type SentenceTerms } from "./terms";

/**
 * The factual consistency score: a deterministic, lexical-support proxy for
 * Vectara's HHEM (not a model, and not calibrated like one).
 *
 * For each answer sentence (citations stripped) with at least one content term,
 * support = max over source sentences (and over each whole source, so a claim
 * spread over two adjacent sentences still counts) of
 *   coverage of the claim's stemmed content terms by the source
 *   × 0.5 per number the claim states that the source does not
 *   × 0.6 when exactly one of them is negated.
 * The answer's score is `0.5·mean + 0.5·min` of its sentences' support, so one
 * unsupported sentence drags the score down even in a long answer.
 *
 * Limits: paraphrases and synonyms count as unsupported (it is lexical), word order
 * and who-did-what are not checked ("A pays B" is supported by "B pays A"), and
 * negation is a keyword test. It is trustworthy at the extremes (copied text scores
 * 1, invented text near 0) and rough in between.
 * Returns undefined when there is nothing to check (no claims, or the fixed
 * "nothing found" answer).
 */
export function factualConsistencyScore(answer: string, sources: string[]): number | undefined {
  if (answer.trim() === NO_ANSWER) return undefined;
  const claims = splitSentences(stripCitations(answer))
    .map((s) => analyze(s.text))
    .filter((c) => c.terms.size > 0);
  if (claims.length === 0) return undefined;
  const evidence: SentenceTerms[] = [];
  for (const raw of sources) {
    const text = cleanResultText(raw);
    evidence.push(analyze(text));
    for (const s of splitSentences(text)) evidence.push(analyze(s.text));
  }
  const scores = claims.map((claim) => Math.max(0, ...evidence.map((e) => support(claim, e))));
  const mean = scores.reduce((a, b) => a + b, 0) / scores.length;
  const score = 0.5 * mean + 0.5 * Math.min(...scores);
  return Math.round(score * 10_000) / 10_000;
}

function support(claim: SentenceTerms, source: SentenceTerms): number {
  let shared = 0;
  for (const t of claim.terms) if (source.terms.has(t)) shared++;
  let s = shared / claim.terms.size;
  for (const n of claim.numbers) if (!source.numbers.has(n)) s *= 0.5;
  if (claim.negated !== source.negated) s *= 0.6;
  return s;
}
