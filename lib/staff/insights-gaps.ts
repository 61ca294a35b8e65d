import type { GapTurn } from "@/lib/db/insights";
import { smallTalkOf } from "@/lib/engine/core/generation/smalltalk";
import { STOP_WORDS, wordTokens } from "@/lib/engine/core/lexical";
import { porterStem } from "@/lib/engine/core/stem";

/**
 * The knowledge-gap report's pure half: gap questions grouped by similar wording, and
 * the groups as CSV. Deterministic: the same turns give the same groups, in the same order.
 *
 * Clustering rule: a question's words are folded (lowercase, accents off), stripped of
 * stop words (retrieval's list plus pronouns and auxiliaries), and Porter-stemmed; its
 * token set is its key. Questions with the same key are one wording. Wordings, taken in
 * a fixed order (most questions first, then the newest, then the key), each join the
 * earliest group whose first wording's set has the highest Jaccard similarity with theirs,
 * if that is at least `SIMILARITY`; otherwise they start a group. Comparing with the
 * group's first wording only (not a growing union) keeps it order-stable and its work
 * at most wordings × groups set comparisons, over at most `MAX_GAP_QUESTIONS` questions.
 * Small talk ("hi", "thanks") and questions with no content word are left out.
 */

/** The periods the insights offer, in days (UTC days, today included). */
export const INSIGHTS_PERIODS = [7, 30, 90] as const;
export type InsightsPeriod = (typeof INSIGHTS_PERIODS)[number];

/** The most gap questions clustered per request: the newest ones of the period. */
export const MAX_GAP_QUESTIONS = 2_000;
/** Jaccard similarity at which two wordings are one group. */
export const SIMILARITY = 0.5;
const EXAMPLES = 3;
const ARTICLES = 3;
/** Retrieved articles counted per question: the top results the answer was written from. */
const ARTICLES_PER_TURN = 5;
/** Chat ids a group links to (the console's "Chat ids" filter takes this many). */
export const LINKED_CHATS = 100;

const EXTRA_STOP_WORDS = new Set([
  ...["i", "me", "my", "mine", "you", "your", "we", "our", "us", "he", "she", "him", "her"],
  ...["its", "them", "do", "does", "did", "done", "can", "could", "should", "would", "may"],
  ...["might", "must", "shall", "am", "been", "being", "have", "has", "had", "having", "so"],
  ...["please", "any", "some", "there", "here", "from", "about", "up", "out", "just", "get"],
]);

/** A question's token set, sorted: folded, stop words out, stemmed. */
export function questionTokens(question: string): string[] {
  const set = new Set<string>();
  for (const word of wordTokens(question)) {
    if (STOP_WORDS.has(word) || EXTRA_STOP_WORDS.has(word)) continue;
    const stem = porterStem(word);
    if (stem) set.add(stem);
  }
  return [...set].sort();
}

function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  let shared = 0;
  for (const t of a) if (b.has(t)) shared++;
  return shared / (a.size + b.size - shared);
}

export interface GapArticle {
  documentId: string;
  title: string;
  /** Questions of the group whose answer was generated from it. */
  questions: number;
}

export interface GapGroup {
  /** The group's most asked wording (its first question's text). */
  label: string;
  questions: number;
  chats: number;
  notFound: number;
  lowScore: number;
  thumbsDown: number;
  /** Distinct question texts, newest first, at most three. */
  examples: string[];
  /** The articles retrieved most often for its questions, at most three. */
  articles: GapArticle[];
  /** Its chats, newest first, at most `LINKED_CHATS`. */
  chatIds: string[];
  latestAt: number;
}

interface Wording {
  key: string;
  tokens: Set<string>;
  turns: GapTurn[];
  latestAt: number;
}

/** Gap turns (any order) grouped by similar wording; groups with most questions first. */
export function clusterGapTurns(turns: readonly GapTurn[]): GapGroup[] {
  const wordings = new Map<string, Wording>();
  for (const turn of turns) {
    if (smallTalkOf(turn.query)) continue;
    const tokens = questionTokens(turn.query);
    if (tokens.length === 0) continue;
    const key = tokens.join(" ");
    const w = wordings.get(key) ?? { key, tokens: new Set(tokens), turns: [], latestAt: 0 };
    w.turns.push(turn);
    w.latestAt = Math.max(w.latestAt, turn.createdAt);
    wordings.set(key, w);
  }
  const ordered = [...wordings.values()].sort(
    (a, b) =>
      b.turns.length - a.turns.length ||
      b.latestAt - a.latestAt ||
      (a.key < b.key ? -1 : a.key > b.key ? 1 : 0),
  );
  const groups: Wording[][] = [];
  for (const w of ordered) {
    let best: Wording[] | undefined;
    let bestScore = SIMILARITY;
    for (const group of groups) {
      const score = jaccard(w.tokens, (group[0] as Wording).tokens);
      if (score > bestScore || (score === bestScore && !best)) {
        best = group;
        bestScore = score;
      }
    }
    if (best) best.push(w);
    else groups.push([w]);
  }
  return groups
    .map(summarize)
    .sort(
      (a, b) =>
        b.questions - a.questions ||
        b.latestAt - a.latestAt ||
        (a.label < b.label ? -1 : a.label > b.label ? 1 : 0),
    );
}

const newestFirst = (a: GapTurn, b: GapTurn) =>
  b.createdAt - a.createdAt || (a.turnId < b.turnId ? 1 : a.turnId > b.turnId ? -1 : 0);

function summarize(wordings: Wording[]): GapGroup {
  const first = wordings[0] as Wording;
  const turns = wordings.flatMap((w) => w.turns).sort(newestFirst);
  const firstTurns = [...first.turns].sort(newestFirst);
  const examples: string[] = [];
  const seenExamples = new Set<string>();
  for (const t of turns) {
    const text = t.query.trim().replace(/\s+/g, " ");
    if (seenExamples.has(text.toLowerCase())) continue;
    seenExamples.add(text.toLowerCase());
    if (examples.length < EXAMPLES) examples.push(text);
  }
  const articles = new Map<string, GapArticle & { rank: number }>();
  for (const t of turns) {
    const seen = new Set<string>();
    for (const c of t.citations.slice(0, ARTICLES_PER_TURN)) {
      if (seen.has(c.documentId)) continue;
      seen.add(c.documentId);
      const a = articles.get(c.documentId) ?? {
        documentId: c.documentId,
        title: c.title,
        questions: 0,
        rank: articles.size,
      };
      a.questions++;
      articles.set(c.documentId, a);
    }
  }
  const chatIds = [...new Set(turns.map((t) => t.chatId))];
  return {
    label: (firstTurns[0] as GapTurn).query.trim().replace(/\s+/g, " "),
    questions: turns.length,
    chats: chatIds.length,
    notFound: turns.filter((t) => t.notFound).length,
    lowScore: turns.filter((t) => t.lowScore).length,
    thumbsDown: turns.filter((t) => t.thumbsDown).length,
    examples,
    articles: [...articles.values()]
      .sort(
        (a, b) =>
          b.questions - a.questions ||
          (a.documentId < b.documentId ? -1 : a.documentId > b.documentId ? 1 : 0),
      )
      .slice(0, ARTICLES)
      .map(({ documentId, title, questions }) => ({ documentId, title, questions })),
    chatIds: chatIds.slice(0, LINKED_CHATS),
    latestAt: turns[0]?.createdAt ?? 0,
  };
}

/**
 * One CSV field: quoted when it holds a comma, quote or line break (quotes doubled), and
 * a cell a spreadsheet would run as a formula (starting with = + - @, a tab or a carriage
 * return) gets a leading apostrophe.
 */
export function csvField(value: string | number): string {
  let text = String(value);
  if (typeof value === "string" && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export const GAP_CSV_HEADER = [
  "group",
  "questions",
  "chats",
  "couldn't find it",
  "low score",
  "thumbs down",
  "example questions",
  "retrieved articles",
  "chat ids",
];

/** The groups as CSV (RFC 4180: CRLF line ends, a header row). */
export function gapGroupsToCsv(groups: readonly GapGroup[]): string {
  const rows = [GAP_CSV_HEADER.map(csvField).join(",")];
  for (const g of groups) {
    rows.push(
      [
        g.label,
        g.questions,
        g.chats,
        g.notFound,
        g.lowScore,
        g.thumbsDown,
        g.examples.join(" | "),
        g.articles.map((a) => `${a.title} (${a.documentId})`).join(" | "),
        g.chatIds.join(" "),
      ]
        .map(csvField)
        .join(","),
    );
  }
  return `${rows.join("\r\n")}\r\n`;
}
