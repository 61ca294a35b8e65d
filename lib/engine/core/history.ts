import { STOP_WORDS, wordTokens } from "./lexical";
import { porterStem } from "./stem";
import { curatedExpansions } from "./synonyms";

/**
 * Follow-ups without a model: the new message is resolved into the question a person
 * would have asked in full, from the chat's previous turn, and retrieval is told which
 * articles that turn answered from (`sources`), so it can stay with them.
 *
 * - A topic change (new content words, no pronoun, no continuation) is left alone.
 * - An entity swap keeps the previous question's frame and swaps what it was about:
 *   "what about business?" after "How much is the Team plan?" becomes "How much is the
 *   Business plan?". The word swapped out is the previous question's word that is most
 *   interchangeable with the new one in the knowledge base (they share neighbours:
 *   "Team plan", "Business plan"; `CorpusSignals.substitutability`).
 * - A pronoun is replaced by what it most likely points at: of the phrases in the
 *   previous question and the start of its answer, the one the knowledge base mentions
 *   most often together with the follow-up's own words and their synonyms
 *   (`CorpusSignals.association`): "how long is it valid?" after a password-reset answer
 *   becomes "how long is the reset link valid?", since "reset link" is what the
 *   knowledge base says expires.
 * - Any other follow-up ("how long?", "any limits?") gets the previous question's
 *   content words appended, walking back through earlier follow-ups. The retrieval
 *   study measured this: the last message alone found the right page for 26 of 48
 *   conversation runs, with the previous turn's words at full weight 42.
 * Only plain words from history are used, so history cannot inject query syntax.
 */

/** One earlier, enabled turn of a chat, oldest first in a history. */
export interface HistoryTurn {
  query: string;
  answer: string;
  /** The standalone question the turn was answered as (its own query when it stood alone). */
  rephrasedQuery?: string;
  /** The documents its answer came from, best first. */
  sources?: TurnSource[];
}

export interface TurnSource {
  corpusKey: string;
  documentId: string;
}

/** What the knowledge base says about words, for resolving follow-ups (`store/signals.ts`). */
export interface CorpusSignals {
  /** How interchangeable two words are (0–1): the share of their neighbours they have in common. */
  substitutability(a: string, b: string): number;
  /** How often the phrase appears in the same part as any of `words` (0–1, of the parts holding it). */
  association(phrase: string, words: string[]): number;
  /** Whether a word can be a noun (what a pronoun stands for); true when unknown. */
  nounLike(word: string): boolean;
}

export interface ResolvedQuery {
  /** The standalone question retrieval and answers use (the message itself when it stands alone). */
  query: string;
  /** Whether it leaned on the previous turn. */
  followUp: boolean;
  /** The previous turn's sources, for a follow-up: retrieval favours them. */
  sources: TurnSource[];
}

/** Words that point back at something said earlier. */
const ANAPHORS: ReadonlySet<string> = new Set([
  ...["it", "its", "itself", "that", "this", "these", "those", "they", "them", "their"],
  ...["there", "he", "she", "him", "her", "his", "one", "ones", "same", "such", "former"],
  ...["latter", "above", "previous", "again", "else", "instead", "also", "too", "other"],
]);

/** Pronouns a noun phrase can replace, and whether the phrase then needs "the". */
const REPLACEABLE: ReadonlyMap<string, string> = new Map([
  ["it", "the "],
  ["this", "the "],
  ["that", "the "],
  ["they", "the "],
  ["them", "the "],
  ["these", "the "],
  ["those", "the "],
  ["one", "the "],
]);

/** Openings that continue the previous message ("and on mobile?", "what about teams?"). */
const CONTINUATIONS = /^\s*(and|also|but|or|so|then|what about|how about|and what about)\b/i;

/** "(and) what about X?", "and for X?", "how about X", "same for X": X takes the place of a word. */
const SWAP =
  /^\s*(?:(?:and|but|ok|okay|so)[\s,]+)?(?:(?:what|how)\s+about|(?:and\s+)?(?:the\s+)?same\s+for|and\s+(?:for|with|on|in))\s+(?:the\s+|a\s+|an\s+|my\s+|our\s+)?(.+?)\s*[?.!]*\s*$/i;

/**
 * Request words that carry no topic ("can you give me an example?"), besides
 * STOP_WORDS. A follow-up made only of these and anaphors is an ellipsis.
 */
const FILLER: ReadonlySet<string> = new Set([
  ...["i", "me", "my", "we", "us", "our", "you", "your", "do", "does", "did", "done", "can"],
  ...["could", "would", "should", "shall", "may", "might", "must", "have", "has", "had"],
  ...["give", "show", "tell", "explain", "example", "examples", "more", "detail", "details"],
  ...["please", "thanks", "thank", "ok", "okay", "yes", "yeah", "sure", "about", "mean"],
  ...["so", "also", "some", "any", "just", "really", "very", "much", "many", "get", "go"],
  ...["work", "works", "way", "ways", "thing", "things", "again", "else", "one", "ones"],
  // Not "out" or "up": they matter in "sign out", "set up".
  ...["am", "been", "being", "were", "from", "than", "too", "all", "cant", "dont", "im"],
  // What is left of a contraction once split at the apostrophe ("don't" → "don", "t").
  ...["don", "doesn", "didn", "isn", "aren", "wasn", "weren", "won", "haven", "hasn", "hadn"],
  ...["couldn", "wouldn", "shouldn", "ll", "ve", "re"],
]);

/** Question phrases whose words are not the topic ("how long", "how much"). */
const QUESTION_PHRASES = /\bhow\s+(?:long|much|many|often|soon|far)\b/gi;

/** A self-contained message has at least this many content words not seen in history. */
const NEW_TOPIC_MIN_WORDS = 2;
/** History terms added to one query, newest turn first. */
const MAX_HISTORY_TERMS = 32;
const MAX_QUERY_CHARS = 5000;
/** Below these, a swap or a pronoun is not resolved (the words are appended instead). */
const MIN_SUBSTITUTABILITY = 0.02;
const MIN_ASSOCIATION = 0.02;
/** Candidate phrases for a pronoun, at most. */
const MAX_ANTECEDENTS = 30;

const contentWords = (text: string) =>
  wordTokens(text).filter((t) => !STOP_WORDS.has(t) && !FILLER.has(t) && !ANAPHORS.has(t));

const standalone = (t: HistoryTurn) => t.rephrasedQuery || t.query;

/** Whether `query` leans on earlier turns (a pronoun, a continuation, or no new topic). */
export function isFollowUp(query: string, history: HistoryTurn[]): boolean {
  if (history.length === 0) return false;
  if (CONTINUATIONS.test(query)) return true;
  if (wordTokens(query).some((t) => ANAPHORS.has(t))) return true;
  const seen = new Set(history.flatMap((t) => contentWords(t.query)).map(porterStem));
  const fresh = new Set(contentWords(query).filter((w) => !seen.has(porterStem(w))));
  return fresh.size < NEW_TOPIC_MIN_WORDS;
}

/**
 * The standalone question for `query` given the chat's enabled history (oldest →
 * newest), and the previous turn's sources when it is a follow-up.
 */
export function resolveFollowUp(
  query: string,
  history: HistoryTurn[],
  signals?: CorpusSignals,
): ResolvedQuery {
  const previous = history.at(-1);
  if (!previous || !isFollowUp(query, history)) return { query, followUp: false, sources: [] };
  const sources = previous.sources ?? [];
  const resolved =
    (signals && swapEntity(query, standalone(previous), signals)) ??
    (signals && replacePronoun(query, previous, signals)) ??
    appendHistory(query, history);
  return { query: resolved.slice(0, MAX_QUERY_CHARS), followUp: true, sources };
}

/** The old name: the standalone query alone, resolved without corpus signals. */
export function rephraseFollowUp(query: string, history: HistoryTurn[]): string {
  return resolveFollowUp(query, history).query;
}

/** "what about business?" + "How much is the Team plan?" → "How much is the business plan?" */
function swapEntity(query: string, previous: string, signals: CorpusSignals): string | undefined {
  const m = SWAP.exec(query);
  const entity = m?.[1]?.trim();
  if (!entity) return undefined;
  const entityWords = contentWords(entity);
  const head = entityWords.at(-1);
  if (!head || entityWords.length > 4) return undefined;
  const have = new Set(entityWords.map(porterStem));
  let best: { word: string; score: number } | undefined;
  for (const word of new Set(contentWords(previous))) {
    if (have.has(porterStem(word)) || word.length < 2) continue;
    const score = signals.substitutability(word, head);
    if (score > (best?.score ?? MIN_SUBSTITUTABILITY)) best = { word, score };
  }
  if (!best) return undefined;
  const swapped = replaceWord(previous, best.word, entity);
  return swapped === previous ? undefined : swapped;
}

/**
 * "how long is it valid?" → "how long is the reset link valid?": the pronoun becomes the
 * phrase of the previous turn that the knowledge base most often mentions with the
 * follow-up's words (or their synonyms). Phrases from the user's own previous question
 * count a little more than those from the answer.
 */
function replacePronoun(
  query: string,
  previous: HistoryTurn,
  signals: CorpusSignals,
): string | undefined {
  const tokens = query.match(/[\p{L}\p{N}'’-]+|[^\p{L}\p{N}'’-]+/gu) ?? [];
  const at = tokens.findIndex((t) => REPLACEABLE.has(t.toLowerCase()));
  if (at === -1) return undefined;
  // "how long" asks for a duration: "long" is not what the pronoun is associated with.
  const own = contentWords(query.replace(QUESTION_PHRASES, " "));
  const words = [...own];
  for (const e of curatedExpansions(query).expansions) {
    if (e.words.length === 1) words.push(e.words[0] as string);
  }
  if (words.length === 0) return undefined;
  const fromQuestion = phrases(standalone(previous));
  const fromAnswer = phrases(firstSentences(previous.answer, 8));
  const candidates = [...new Set([...fromQuestion, ...fromAnswer])]
    .filter((p) => !own.includes(p) && signals.nounLike(p.split(" ").at(-1) ?? p))
    .slice(0, MAX_ANTECEDENTS);
  let best: { phrase: string; score: number } | undefined;
  for (const phrase of candidates) {
    const boost = fromQuestion.includes(phrase) ? 1.25 : 1;
    const score = signals.association(phrase, words) * boost;
    if (score > (best?.score ?? MIN_ASSOCIATION)) best = { phrase, score };
  }
  if (!best) return undefined;
  // A word that ends a phrase of the previous turn is said as that phrase ("link" → "reset link").
  const chosen = best.phrase;
  const fuller = candidates.find((p) => p !== chosen && p.endsWith(` ${chosen}`)) ?? chosen;
  const pronoun = (tokens[at] as string).toLowerCase();
  tokens[at] = `${REPLACEABLE.get(pronoun) ?? ""}${fuller}`;
  return tokens.join("");
}

/** The previous questions' content words, appended (walking back through follow-ups). */
function appendHistory(query: string, history: HistoryTurn[]): string {
  const have = new Set(contentWords(query).map(porterStem));
  const terms: string[] = [];
  for (let i = history.length - 1; i >= 0 && terms.length < MAX_HISTORY_TERMS; i--) {
    const turn = history[i] as HistoryTurn;
    for (const w of contentWords(standalone(turn))) {
      const stem = porterStem(w);
      if (have.has(stem)) continue;
      have.add(stem);
      terms.push(w);
      if (terms.length === MAX_HISTORY_TERMS) break;
    }
    // A rephrased turn already carries what it leaned on.
    if (turn.rephrasedQuery || !isFollowUp(turn.query, history.slice(0, i))) break;
  }
  if (terms.length === 0) return query;
  return `${query} ${terms.join(" ")}`;
}

/**
 * Noun-like phrases of a text: runs of up to two adjacent content words ("reset link",
 * "password"), longer runs as their last two words, each also as its last word.
 */
function phrases(text: string): string[] {
  // Within a clause: a phrase never spans punctuation ("…password. Enter…").
  const clauses = text.split(/[.,;:!?()"“”\n]+/);
  if (clauses.length > 1) return clauses.flatMap(phrases);
  const out: string[] = [];
  let run: string[] = [];
  const flush = () => {
    if (run.length >= 2) out.push(run.slice(-2).join(" "));
    const last = run.at(-1);
    if (last) out.push(last);
    run = [];
  };
  for (const w of wordTokens(text)) {
    if (STOP_WORDS.has(w) || FILLER.has(w) || ANAPHORS.has(w) || w.length < 3 || /^\d+$/.test(w)) {
      flush();
    } else run.push(w);
  }
  flush();
  return out;
}

/** The first sentences (or list items) of an answer, citations and list numbers dropped. */
function firstSentences(answer: string, n: number): string {
  return answer
    .replace(/\s*\[\d+(?:\s*,\s*\d+)*\]/g, "")
    .replace(/^\s*\d{1,3}\.\s+/gm, "")
    .split(/(?<=[.!?])\s+|\n+/)
    .filter((x) => x.trim() !== "")
    .slice(0, n)
    .join(" ");
}

/** Replaces the first whole-word occurrence of `word` (any case) in `text`. */
function replaceWord(text: string, word: string, by: string): string {
  const tokens = text.match(/[\p{L}\p{N}]+|[^\p{L}\p{N}]+/gu) ?? [];
  const i = tokens.findIndex((t) => wordTokens(t)[0] === word);
  if (i === -1) return text;
  tokens[i] = by;
  return tokens.join("");
}
