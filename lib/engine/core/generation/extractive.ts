import { splitSentences } from "../sentences";
import { analyze, cleanResultText, type SentenceTerms } from "./terms";

/**
 * The extractive generator's core: an answer made only of sentences from the
 * results, so it cannot state anything the knowledge base does not say.
 *
 * 1. Candidates: every sentence of the first `maxResults` results (snippet tags
 *    stripped). A candidate must share at least one stemmed content term with the
 *    query; with none, the answer is NO_ANSWER.
 * 2. Relevance: weighted query-term coverage (a term's weight is its inverse
 *    frequency among the candidates, so the distinctive words count most), times
 *    a rank prior `1 / (1 + 0.25·rank)`, plus a small density bonus for short,
 *    on-topic sentences.
 * 3. Selection: greedy MMR. Each step takes the sentence maximising
 *    `0.7·(relevance + 0.5·newly covered query weight) − 0.3·max Jaccard(similar selected)`;
 *    near-duplicates (Jaccard ≥ 0.6) are never taken, and a step stops once the best
 *    relevance falls under half the best candidate's, or after 4 sentences. With
 *    `maxChars`, whole sentences are then dropped, least relevant first, until it fits.
 * 4. Continuation: up to two sentences that directly follow the best one in its
 *    result join the answer (see `continuation`).
 * 5. Order: results by rank, sentences in their original order within a result,
 *    so the answer reads as one passage. Each sentence carries its result number.
 * Deterministic: ties break on rank, then position.
 */
export const NO_ANSWER = "I couldn't find anything about that in the knowledge base.";

export interface ExtractiveInput {
  query: string;
  /** Result texts, in rank order (index i is result number i + 1). */
  texts: string[];
  maxResults: number;
  /** The caller's `max_response_characters`, measured on the sentence text plus `citationWidth`. */
  maxChars?: number;
  /** Characters each citation adds, so the cut accounts for it. */
  citationWidth?: (resultNumber: number) => number;
}

export interface AnswerSentence {
  text: string;
  /** 1-based result number to cite. */
  result: number;
}

interface Candidate extends AnswerSentence {
  position: number;
  info: SentenceTerms;
  relevance: number;
  covered: string[];
}

const MAX_SENTENCES = 4;
const MIN_ANSWER_CHARS = 21;

export function composeExtractive(input: ExtractiveInput): AnswerSentence[] {
  const queryTerms = analyze(input.query).terms;
  if (queryTerms.size === 0) return [];
  const candidates = candidatesOf(input, queryTerms);
  if (candidates.length === 0) return [];

  const selected: Candidate[] = [];
  const covered = new Set<string>();
  const weight = termWeights(candidates, queryTerms);
  const best = Math.max(...candidates.map((c) => c.relevance));
  while (selected.length < MAX_SENTENCES) {
    let pick: Candidate | undefined;
    let pickScore = Number.NEGATIVE_INFINITY;
    for (const c of candidates) {
      if (selected.includes(c) || c.relevance < 0.5 * best) continue;
      const redundancy = Math.max(0, ...selected.map((s) => jaccard(s.info.terms, c.info.terms)));
      if (redundancy >= 0.6) continue;
      const gain = c.covered.reduce(
        (sum, t) => sum + (covered.has(t) ? 0 : (weight.get(t) ?? 0)),
        0,
      );
      const score = 0.7 * (c.relevance + 0.5 * gain) - 0.3 * redundancy;
      if (score > pickScore + 1e-12) {
        pick = c;
        pickScore = score;
      }
    }
    if (!pick) break;
    selected.push(pick);
    for (const t of pick.covered) covered.add(t);
  }
  const first = selected[0];
  if (first) selected.push(...continuation(input, first, selected));
  if (input.maxChars !== undefined) fitBudget(selected, input.maxChars, input.citationWidth);

  const ordered = selected.sort((a, b) => a.result - b.result || a.position - b.position);
  const answer = ordered.map(({ text, result }) => ({ text, result }));
  const length = answer.reduce((n, s) => n + s.text.length + 1, 0);
  if (length < MIN_ANSWER_CHARS && input.maxChars === undefined) {
    return padShort(answer, candidates);
  }
  return answer;
}

function candidatesOf(input: ExtractiveInput, queryTerms: Set<string>): Candidate[] {
  const out: Candidate[] = [];
  input.texts.slice(0, input.maxResults).forEach((raw, rank) => {
    const text = cleanResultText(raw);
    splitSentences(text).forEach((span, position) => {
      const info = analyze(span.text);
      const covered = [...queryTerms].filter((t) => info.terms.has(t));
      if (covered.length === 0) return;
      out.push({ text: span.text, result: rank + 1, position, info, relevance: 0, covered });
    });
  });
  const weight = termWeights(out, queryTerms);
  const total = [...queryTerms].reduce((s, t) => s + (weight.get(t) ?? 0), 0) || 1;
  for (const c of out) {
    const coverage = c.covered.reduce((s, t) => s + (weight.get(t) ?? 0), 0) / total;
    const density = c.covered.length / Math.sqrt(Math.max(1, c.info.terms.size));
    c.relevance = (coverage + 0.1 * Math.min(1, density)) / (1 + 0.25 * (c.result - 1));
  }
  return out;
}

/**
 * The sentences right after the best one, in the same result, even when they share
 * no query word: in support articles they are usually the rest of the steps ("Enter
 * your email. We send a link that expires after 30 minutes."). At most two, within
 * the sentence cap, never near-duplicates; picked last, so a character budget drops
 * them first. Only a result whose text holds more than the matched part (context
 * or a multi-sentence part) has any.
 */
function continuation(
  input: ExtractiveInput,
  first: Candidate,
  selected: Candidate[],
): Candidate[] {
  const spans = splitSentences(cleanResultText(input.texts[first.result - 1] ?? ""));
  const out: Candidate[] = [];
  for (let position = first.position + 1; position < spans.length; position++) {
    if (out.length === 2 || selected.length + out.length >= MAX_SENTENCES) break;
    if (selected.some((s) => s.result === first.result && s.position === position)) continue;
    const text = spans[position]?.text ?? "";
    const info = analyze(text);
    if (info.terms.size === 0) break;
    if ([...selected, ...out].some((s) => jaccard(s.info.terms, info.terms) >= 0.6)) continue;
    out.push({ text, result: first.result, position, info, relevance: 0, covered: [] });
  }
  return out;
}

/** Inverse frequency among candidates: a query word in every sentence says little. */
function termWeights(candidates: Candidate[], queryTerms: Set<string>): Map<string, number> {
  const n = candidates.length;
  const weights = new Map<string, number>();
  for (const t of queryTerms) {
    const df = candidates.filter((c) => c.info.terms.has(t)).length;
    weights.set(t, Math.log(1 + (n + 1) / (df + 0.5)));
  }
  return weights;
}

function jaccard(a: Set<string>, b: Set<string>): number {
  if (a.size === 0 && b.size === 0) return 1;
  let shared = 0;
  for (const t of a) if (b.has(t)) shared++;
  return shared / (a.size + b.size - shared);
}

/**
 * `max_response_characters`: drops whole sentences, least relevant (last picked)
 * first, until the answer with its citations fits. A single sentence longer than
 * the budget is the one exception: it is cut at a word boundary and marked "…".
 */
function fitBudget(
  selected: Candidate[],
  max: number,
  width: (n: number) => number = () => 0,
): void {
  const size = () =>
    selected.reduce((n, s, i) => n + s.text.length + width(s.result) + (i ? 1 : 0), 0);
  while (selected.length > 1 && size() > max) selected.pop();
  const only = selected[0];
  if (only && size() > max)
    selected[0] = { ...only, text: cutAtWord(only.text, max - width(only.result)) };
}

/** A lone sentence too short to be an answer ("Yes.") gets the one that follows it. */
function padShort(answer: AnswerSentence[], candidates: Candidate[]): AnswerSentence[] {
  const last = answer.at(-1);
  if (!last) return answer;
  const next = candidates.find(
    (c) => c.result === last.result && !answer.some((a) => a.text === c.text),
  );
  return next ? [...answer, { text: next.text, result: next.result }] : answer;
}

/** The longest word-boundary prefix within `max` characters, marked as cut. */
function cutAtWord(text: string, max: number): string {
  if (text.length <= max) return text;
  const room = Math.max(1, max - 1);
  const slice = text.slice(0, room);
  const space = slice.lastIndexOf(" ");
  return `${(space > 0 ? slice.slice(0, space) : slice).replace(/[\s,;:]+$/, "")}…`;
}
