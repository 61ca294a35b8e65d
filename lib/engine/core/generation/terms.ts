import { STOP_WORDS, wordTokens } from "../lexical";
import { porterStem } from "../stem";

/**
 * The lexical view of a sentence that extractive selection and the factual
 * consistency score share: stemmed content terms (stop words dropped, as the index
 * drops them from queries), the numbers it states, and whether it is negated.
 */
export interface SentenceTerms {
  terms: Set<string>;
  numbers: Set<string>;
  negated: boolean;
}

/**
 * Function words on top of the index's small stop list. Retrieval keeps them (it
 * ranks whole parts, and the study found big lists hurt), but when choosing and
 * checking sentences a shared "you" or "can" is no evidence of relevance.
 */
const FUNCTION_WORDS: ReadonlySet<string> = new Set([
  ...["i", "me", "my", "mine", "we", "us", "our", "ours", "you", "your", "yours", "he", "him"],
  ...["his", "she", "her", "hers", "its", "them", "theirs", "do", "does", "did", "done"],
  ...["doing", "have", "has", "had", "having", "am", "been", "being", "were", "can", "could"],
  ...["would", "should", "shall", "may", "might", "must", "need", "get", "got", "so", "than"],
  ...["too", "very", "just", "also", "any", "some", "all", "each", "every", "from", "up", "out"],
  ...["about", "over", "after", "before", "again", "there", "here", "those", "own", "same"],
  ...["other", "only", "more", "most", "much", "many", "please", "tell", "know", "want", "like"],
  ...["yes", "ok", "hi", "hello", "thanks", "thank"],
]);

const NEGATION = /\b(?:not|no|never|none|nobody|nothing|neither|nor|cannot|without)\b|n't\b/i;
/** Number-like tokens; "3.5" and "1,000" stay whole. */
const NUMBER = /\d+(?:[.,]\d+)*/g;

/**
 * Answers reread the same knowledge-base sentences question after question, so their
 * analyses are kept (texts up to 2,000 characters, at most 20,000 of them; the map starts
 * over when full). Callers must not change what they get back.
 */
const analyzed = new Map<string, Readonly<SentenceTerms>>();
const MAX_ANALYZED = 20_000;
const MAX_ANALYZED_TEXT = 2_000;

export function analyze(text: string): Readonly<SentenceTerms> {
  if (text.length > MAX_ANALYZED_TEXT) return analyzeNow(text);
  let found = analyzed.get(text);
  if (!found) {
    if (analyzed.size >= MAX_ANALYZED) analyzed.clear();
    found = analyzeNow(text);
    analyzed.set(text, found);
  }
  return found;
}

function analyzeNow(text: string): SentenceTerms {
  const terms = new Set<string>();
  for (const t of wordTokens(text)) {
    if (STOP_WORDS.has(t) || FUNCTION_WORDS.has(t) || /^\d+$/.test(t)) continue;
    // One-letter tokens are mostly leftovers of contractions ("don't" → "don", "t").
    if (t.length < 2) continue;
    terms.add(porterStem(t));
  }
  const numbers = new Set([...text.matchAll(NUMBER)].map((m) => m[0].replaceAll(",", "")));
  return { terms, numbers, negated: NEGATION.test(text) };
}

/** Retrieval markup that must never reach an answer: snippet tags and HTML-ish tags. */
export function cleanResultText(text: string): string {
  return text
    .replace(/%(?:START|END)_SNIPPET%/g, "")
    .replace(/<\/?[a-zA-Z][a-zA-Z0-9-]*(?:\s[^<>]*)?>/g, "")
    .replace(/[ \t]+/g, " ")
    .trim();
}
