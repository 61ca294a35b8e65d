import { STOP_WORDS, wordTokens } from "./lexical";
import { porterStem } from "./stem";

/**
 * Chat history and follow-up rephrasing without a model. A follow-up such as "how
 * do I undo that?" is resolved into a standalone query by appending the content
 * words of the previous enabled turn(s). The retrieval study measured this on 48
 * conversation runs: the last message alone found the right page 26 times, adding
 * the previous turn's terms at full weight 42 times, and keeping only the rare
 * history terms did worse, so every content word is kept. A message that already
 * stands on its own (no pronoun or ellipsis, new content words) is a topic change
 * and is returned unchanged, so it is never dragged back to the old subject.
 */

/** One earlier, enabled turn of a chat, oldest first in a history. */
export interface HistoryTurn {
  query: string;
  answer: string;
}

/** Words that point back at something said earlier. */
const ANAPHORS: ReadonlySet<string> = new Set([
  ...["it", "its", "itself", "that", "this", "these", "those", "they", "them", "their"],
  ...["there", "he", "she", "him", "her", "his", "one", "ones", "same", "such", "former"],
  ...["latter", "above", "previous", "again", "else", "instead", "also", "too", "other"],
]);

/** Openings that continue the previous message ("and on mobile?", "what about teams?"). */
const CONTINUATIONS = /^\s*(and|also|but|or|so|then|what about|how about|and what about)\b/i;

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
  ...["am", "been", "being", "were", "from", "than", "too", "all"],
]);

/** A self-contained message has at least this many content words not seen in history. */
const NEW_TOPIC_MIN_WORDS = 2;
/** History terms added to one query, newest turn first. */
const MAX_HISTORY_TERMS = 32;
const MAX_QUERY_CHARS = 5000;

const contentWords = (text: string) =>
  wordTokens(text).filter((t) => !STOP_WORDS.has(t) && !FILLER.has(t) && !ANAPHORS.has(t));

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
 * The standalone query for `query` given the chat's enabled history (oldest →
 * newest). Walks back from the newest turn, collecting its query's content words,
 * until it has included a turn that was itself self-contained, so "an example?"
 * after "and for teams?" after "reset password" still carries "reset password".
 * Only plain word tokens are added, so history cannot inject query syntax.
 */
export function rephraseFollowUp(query: string, history: HistoryTurn[]): string {
  if (!isFollowUp(query, history)) return query;
  const have = new Set(contentWords(query).map(porterStem));
  const terms: string[] = [];
  for (let i = history.length - 1; i >= 0 && terms.length < MAX_HISTORY_TERMS; i--) {
    const turn = history[i] as HistoryTurn;
    for (const w of contentWords(turn.query)) {
      const stem = porterStem(w);
      if (have.has(stem)) continue;
      have.add(stem);
      terms.push(w);
      if (terms.length === MAX_HISTORY_TERMS) break;
    }
    if (!isFollowUp(turn.query, history.slice(0, i))) break;
  }
  if (terms.length === 0) return query;
  return `${query} ${terms.join(" ")}`.slice(0, MAX_QUERY_CHARS);
}
