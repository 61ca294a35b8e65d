import { splitSentences } from "../sentences";
import { analyze, cleanResultText, type SentenceTerms } from "./terms";

/**
 * The extractive generator's core: an answer made only of sentences from the
 * results, so it cannot state anything the knowledge base does not say.
 *
 * 1. Candidates: the sentences of the first `maxResults` results (snippet tags
 *    stripped), split within each of the result's parts (`parts`), never across
 *    two, so a heading cannot run into the sentence after it. Only whole
 *    statements (ending in `.`, `!` or `…`) are candidates; a title part, a heading
 *    or lead-in without a full stop, and a question are not, but their words count
 *    for the statement right after them ("Yearly plans" + "You can get a full
 *    refund…"). A table row (`Header: cell; Header: cell`) is quoted whole and
 *    alone, and only when it beats every statement (see `TABLE_WINS`); with no
 *    statement or row at all, the other sentences are the last resort. A candidate
 *    must share at least one stemmed content term with the query (its own or its
 *    heading's); with none, the answer is NO_ANSWER.
 * 2. Relevance: weighted query-term coverage (a term's weight is its inverse
 *    frequency among the candidates, so the distinctive words count most), times
 *    a rank prior `1 / (1 + 0.25·rank)`, plus a small density bonus for short,
 *    on-topic sentences.
 * 3. Selection: greedy MMR. Each step takes the sentence maximising
 *    `0.7·(relevance + 0.5·newly covered query weight) − 0.3·max Jaccard(similar selected)`;
 *    near-duplicates (Jaccard ≥ 0.6) are never taken, and a step stops once the best
 *    relevance falls under half the best candidate's, or after 4 sentences. With
 *    `maxChars`, whole sentences are then dropped, least relevant first, until it fits.
 * 4. Continuation: up to two statements that directly follow the best one in its
 *    result join the answer, stopping at the next heading, question or table row
 *    (see `continuation`).
 * 5. Order: results by rank, sentences in their original order within a result,
 *    so the answer reads as one passage. Each sentence carries its result number.
 * Deterministic: ties break on rank, then position.
 */
export const NO_ANSWER = "I couldn't find anything about that in the knowledge base.";

export interface ExtractiveInput {
  query: string;
  /** Result texts, in rank order (index i is result number i + 1). */
  texts: string[];
  /**
   * Each result's parts in order (what its text joins with spaces), when known.
   * Sentences are split within a part; without them the whole text is one part.
   */
  parts?: Array<ResultPart[] | undefined>;
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

export interface ResultPart {
  text: string;
  /** A title or heading part (`is_title`): never quoted, its words count for what follows. */
  isTitle?: boolean;
}

/**
 * statement: ends in `.`, `!` or `…`; question: ends in `?`; table: a table row;
 * lead: a title, heading or lead-in ("…our confirmation email:").
 */
type Kind = "statement" | "question" | "table" | "lead";

/** One sentence of a result, in reading order. */
interface Unit {
  text: string;
  kind: Kind;
  position: number;
  info: SentenceTerms;
  /** From a title part (`is_title`). */
  title: boolean;
  /** Terms of the headings, questions and lead-ins right before a statement. */
  lead?: Set<string>;
}

interface Candidate extends AnswerSentence {
  kind: Kind;
  position: number;
  info: SentenceTerms;
  relevance: number;
  covered: string[];
  /** How many terms it was matched on (its own and its lead's). */
  matched?: number;
}

const MAX_SENTENCES = 4;
const MIN_ANSWER_CHARS = 21;
/** A table row is the answer only when it is this much more relevant than every statement. */
const TABLE_WINS = 1.25;

/** A table row as ingestion writes it: `Header: cell; Header: cell` (two cells at least). */
const TABLE_ROW = /^[^:;\n]{1,60}: \S[^\n]*?; [^:;\n]{1,60}: \S/;
const CLOSE = "[\"'”’)\\]»」』）]*$";
const STATEMENT_END = new RegExp(`[.!…。！｡]${CLOSE}`);
const QUESTION_END = new RegExp(`[?？]${CLOSE}`);

/**
 * How a real question opens: an interrogative, an auxiliary, or a support article's
 * rhetorical opener ("Seeing two charges…?", "Still stuck?"). A sentence ending in
 * `?` that opens otherwise is a statement ending in a button's name ("Go to the
 * sign-in page and click Forgot password?").
 */
const QUESTION_START =
  /^["'“‘(¿]*(?:how|what|what's|why|when|where|who|whom|whose|which|whether|can|can't|could|do|does|did|don't|doesn't|is|isn't|are|aren't|was|were|will|won't|would|should|shall|may|might|must|have|has|had|am|want|need|seeing|wondering|looking|trying|having|still|not|changed|forgot|lost|got)\b/i;

function kindOf(text: string): Kind {
  if (TABLE_ROW.test(text)) return "table";
  if (STATEMENT_END.test(text)) return "statement";
  if (QUESTION_END.test(text)) {
    const words = text.split(/\s+/).length;
    return QUESTION_START.test(text) || words <= 3 ? "question" : "statement";
  }
  return "lead";
}

/** A result's sentences, split within its parts, classified, with their lead terms. */
function unitsOf(input: ExtractiveInput, index: number): Unit[] {
  const parts = input.parts?.[index] ?? [{ text: input.texts[index] ?? "" }];
  const units: Unit[] = [];
  let lead = new Set<string>();
  const push = (sentence: string, kind: Kind, title = false) => {
    const info = analyze(sentence);
    // A list's lead-in ("If it's been more than 10 days since our email:") stays with
    // its first item, which reads as half a sentence without it.
    const before = units.at(-1);
    const leadIn = kind === "statement" && before?.kind === "lead" && !before.title;
    const text = leadIn && before.text.endsWith(":") ? `${before.text} ${sentence}` : sentence;
    const unit: Unit = { text, kind, position: units.length, info, title };
    if (kind === "statement") {
      if (lead.size > 0) unit.lead = lead;
      lead = new Set();
    } else if (kind === "table") {
      lead = new Set();
    } else {
      for (const t of info.terms) lead.add(t);
    }
    units.push(unit);
  };
  for (const part of parts) {
    const text = cleanResultText(part.text);
    if (text === "") continue;
    if (part.isTitle) push(text, "lead", true);
    else if (TABLE_ROW.test(text)) push(text, "table");
    else for (const span of splitSentences(text)) push(span.text, kindOf(span.text));
  }
  return units;
}

export function composeExtractive(input: ExtractiveInput): AnswerSentence[] {
  const queryTerms = analyze(input.query).terms;
  if (queryTerms.size === 0) return [];
  const units = input.texts.slice(0, input.maxResults).map((_, i) => unitsOf(input, i));
  const all = candidatesOf(units, queryTerms);
  const statements = all.filter((c) => c.kind === "statement");
  const rows = all.filter((c) => c.kind === "table");
  const top = (cs: Candidate[]) => Math.max(0, ...cs.map((c) => c.relevance));
  const bestRow = rows.find((r) => r.relevance === top(rows));
  if (bestRow && top(rows) > TABLE_WINS * top(statements)) {
    // Quoted as it stands and alone: a row glued to prose reads as neither.
    return [{ text: bestRow.text, result: bestRow.result }];
  }
  const candidates = statements.length > 0 ? statements : all;
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
  if (first?.kind === "statement") selected.push(...continuation(units, first, selected));
  if (input.maxChars !== undefined) fitBudget(selected, input.maxChars, input.citationWidth);

  const ordered = selected.sort((a, b) => a.result - b.result || a.position - b.position);
  const answer = ordered.map(({ text, result }) => ({ text, result }));
  const length = answer.reduce((n, s) => n + s.text.length + 1, 0);
  if (length < MIN_ANSWER_CHARS && input.maxChars === undefined) {
    return padShort(answer, candidates);
  }
  return answer;
}

function candidatesOf(units: Unit[][], queryTerms: Set<string>): Candidate[] {
  const out: Candidate[] = [];
  units.forEach((list, rank) => {
    for (const u of list) {
      const terms = u.lead ? new Set([...u.info.terms, ...u.lead]) : u.info.terms;
      const covered = [...queryTerms].filter((t) => terms.has(t));
      if (covered.length === 0) continue;
      out.push({
        text: u.text,
        kind: u.kind,
        result: rank + 1,
        position: u.position,
        info: u.info,
        relevance: 0,
        covered,
        matched: terms.size,
      });
    }
  });
  const weight = termWeights(out, queryTerms);
  const total = [...queryTerms].reduce((s, t) => s + (weight.get(t) ?? 0), 0) || 1;
  for (const c of out) {
    const coverage = c.covered.reduce((s, t) => s + (weight.get(t) ?? 0), 0) / total;
    const density = c.covered.length / Math.sqrt(Math.max(1, c.matched ?? 0));
    c.relevance = (coverage + 0.1 * Math.min(1, density)) / (1 + 0.25 * (c.result - 1));
  }
  return out;
}

/**
 * The statements right after the best one, in the same result, even when they share
 * no query word: in support articles they are usually the rest of the steps ("Enter
 * your email. We send a link that expires after 30 minutes."). At most two, within
 * the sentence cap, never near-duplicates; a heading, question or table row ends
 * them (the next section starts there). Picked last, so a character budget drops
 * them first. Only a result whose text holds more than the matched part (context
 * or a multi-sentence part) has any.
 */
function continuation(units: Unit[][], first: Candidate, selected: Candidate[]): Candidate[] {
  const list = units[first.result - 1] ?? [];
  const out: Candidate[] = [];
  for (let position = first.position + 1; position < list.length; position++) {
    if (out.length === 2 || selected.length + out.length >= MAX_SENTENCES) break;
    if (selected.some((s) => s.result === first.result && s.position === position)) continue;
    const unit = list[position];
    if (unit?.kind !== "statement" || unit.info.terms.size === 0) break;
    const { text, info } = unit;
    if ([...selected, ...out].some((s) => jaccard(s.info.terms, info.terms) >= 0.6)) continue;
    out.push({
      text,
      kind: unit.kind,
      result: first.result,
      position,
      info,
      relevance: 0,
      covered: [],
    });
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
