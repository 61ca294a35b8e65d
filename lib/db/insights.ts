import "server-only";
import { z } from "zod";
import type { SqlDriver } from "./driver";
import { epochMs } from "./rows";

/**
 * The staff insights' reads (`/agent/insights`): per-UTC-day series over `turns`,
 * `feedback` and `audit_log`, and the knowledge-gap questions, aggregated in SQL so a
 * month of conversations is read without loading its turns. Indexed by migration 11.
 *
 * Definitions (the page's help text says them in words):
 * - a question is a turn, whatever became of it, dated by when it was asked;
 * - answered: a completed turn whose answer cites a source (`ANSWER_CITES`);
 * - couldn't find it: a completed turn whose answer cites nothing: the extractive
 *   generator's "I couldn't find an answer to that in the knowledge base…", Vectara's
 *   "The returned results did not contain sufficient information…", or any other
 *   answer with no citation marker (stopped and failed turns are neither);
 * - low score: a completed turn whose factual-consistency score is below the low
 *   threshold (passed in, from FCS_LOW_THRESHOLD);
 * - a gap: a completed turn that is couldn't-find-it, low-score or thumbed down.
 */

export const DAY_MS = 86_400_000;

/** The rule below, in JavaScript: what `turns.cited` stores when a turn is saved. */
const CITES = /(^|[^A-Za-z0-9_])\[[1-9]/;
export const answerCites = (answer: string) => CITES.test(answer);

/**
 * "The answer cites a source", in SQL: `turns.cited` as stored with the turn, or for a turn
 * stored before that column (NULL), whether its answer holds a citation marker's opening:
 * `[` and a digit 1–9, not right after a letter, digit or underscore (`items[1]` is code).
 * The same opening `CITATION_PATTERN` (lib/chat/cited.ts) requires; SQLite by GLOB,
 * PostgreSQL by a POSIX regular expression (`[[]` is a literal bracket in both). The
 * answer is read only for those older turns.
 */
export function answerCitesSql(dialect: SqlDriver["dialect"], alias = "t"): string {
  const answer = `${alias}.answer`;
  const fromText =
    dialect === "postgres"
      ? `${answer} ~ '(^|[^A-Za-z0-9_])[[][1-9]'`
      : `${answer} GLOB '[[][1-9]*' OR ${answer} GLOB '*[^A-Za-z0-9_][[][1-9]*'`;
  return `(COALESCE(${alias}.cited, CASE WHEN ${fromText} THEN 1 ELSE 0 END) = 1)`;
}

/** Days since the epoch (UTC) of an epoch-milliseconds column, as an integer in both databases. */
const dayOf = (column: string) => `CAST(${column} / ${DAY_MS} AS INTEGER)`;

export interface InsightsRange {
  /** First millisecond included (a UTC midnight). */
  from: number;
  /** First millisecond excluded. */
  to: number;
}

export interface InsightsDay {
  /** Days since 1970-01-01 (UTC). */
  day: number;
  questions: number;
  answered: number;
  notFound: number;
  /** Stopped or failed turns: neither answered nor couldn't-find-it. */
  unfinished: number;
  lowScore: number;
  thumbsUp: number;
  thumbsDown: number;
  moderatedTurns: number;
  /** Median milliseconds to the first token of that day's turns that have one; null without any. */
  medianFirstTokenMs: number | null;
}

export interface InsightsSeries {
  days: InsightsDay[];
  /** The median time to first token over the whole range. */
  medianFirstTokenMs: number | null;
}

const count = z.coerce.number();
const nullableNumber = z.coerce.number().nullable();

/**
 * Every day of the range (empty days included, oldest first) with its counts. Feedback
 * is dated by when it was given, a moderation by when it was done; `lowScore` is the
 * exclusive upper bound of a low score.
 */
export async function readInsightsSeries({
  db,
  range,
  lowScore,
}: {
  db: SqlDriver;
  range: InsightsRange;
  lowScore: number;
}): Promise<InsightsSeries> {
  const window = [range.from, range.to];
  // From the index alone: turns.cited as stored. Turns stored before that column (NULL)
  // are judged from their answers in a second read that looks at those rows only.
  const turnRows = z
    .array(
      z.object({
        day: count,
        questions: count,
        answered: count,
        not_found: count,
        unjudged: count,
        unfinished: count,
        low_score: count,
      }),
    )
    .parse(
      await db.all(
        `SELECT ${dayOf("t.created_at")} AS day,
           COUNT(*) AS questions,
           SUM(CASE WHEN t.status = 'complete' AND t.cited = 1 THEN 1 ELSE 0 END) AS answered,
           SUM(CASE WHEN t.status = 'complete' AND t.cited = 0 THEN 1 ELSE 0 END) AS not_found,
           SUM(CASE WHEN t.status = 'complete' AND t.cited IS NULL THEN 1 ELSE 0 END) AS unjudged,
           SUM(CASE WHEN t.status <> 'complete' THEN 1 ELSE 0 END) AS unfinished,
           SUM(CASE WHEN t.status = 'complete' AND t.fcs IS NOT NULL AND t.fcs < ? THEN 1 ELSE 0 END) AS low_score
         FROM turns t
         WHERE t.created_at >= ? AND t.created_at < ?
         GROUP BY ${dayOf("t.created_at")}`,
        [lowScore, ...window],
      ),
    );
  const judged = turnRows.some((r) => r.unjudged > 0)
    ? z.array(z.object({ day: count, answered: count })).parse(
        await db.all(
          `SELECT ${dayOf("t.created_at")} AS day,
             SUM(CASE WHEN ${answerCitesSql(db.dialect)} THEN 1 ELSE 0 END) AS answered
           FROM turns t
           WHERE t.created_at >= ? AND t.created_at < ? AND t.status = 'complete' AND t.cited IS NULL
           GROUP BY ${dayOf("t.created_at")}`,
          window,
        ),
      )
    : [];
  const judgedAnswered = new Map(judged.map((r) => [r.day, r.answered]));
  const feedbackRows = z.array(z.object({ day: count, up: count, down: count })).parse(
    await db.all(
      `SELECT ${dayOf("updated_at")} AS day,
           SUM(CASE WHEN rating = 'up' THEN 1 ELSE 0 END) AS up,
           SUM(CASE WHEN rating = 'down' THEN 1 ELSE 0 END) AS down
         FROM feedback WHERE updated_at >= ? AND updated_at < ?
         GROUP BY ${dayOf("updated_at")}`,
      window,
    ),
  );
  // turn_ids is a JSON array of ids without commas: its commas plus one is its length.
  const auditRows = z.array(z.object({ day: count, turns: count })).parse(
    await db.all(
      `SELECT ${dayOf("created_at")} AS day,
           SUM(CASE WHEN turn_ids = '[]' THEN 0
             ELSE LENGTH(turn_ids) - LENGTH(REPLACE(turn_ids, ',', '')) + 1 END) AS turns
         FROM audit_log WHERE created_at >= ? AND created_at < ?
         GROUP BY ${dayOf("created_at")}`,
      window,
    ),
  );
  // Medians by window functions (both databases): the middle row, or the mean of the two.
  const medianRows = z.array(z.object({ day: count, median: nullableNumber })).parse(
    await db.all(
      `WITH ranked AS (
           SELECT ${dayOf("created_at")} AS day, first_token_ms AS ms,
             ROW_NUMBER() OVER (PARTITION BY ${dayOf("created_at")} ORDER BY first_token_ms) AS rn,
             COUNT(*) OVER (PARTITION BY ${dayOf("created_at")}) AS n
           FROM turns
           WHERE created_at >= ? AND created_at < ? AND first_token_ms IS NOT NULL
         )
         SELECT day, AVG(ms) AS median FROM ranked
         WHERE rn IN ((n + 1) / 2, (n + 2) / 2)
         GROUP BY day`,
      window,
    ),
  );
  const overall = z.object({ median: nullableNumber }).parse(
    await db.get(
      `WITH ranked AS (
           SELECT first_token_ms AS ms,
             ROW_NUMBER() OVER (ORDER BY first_token_ms) AS rn,
             COUNT(*) OVER () AS n
           FROM turns
           WHERE created_at >= ? AND created_at < ? AND first_token_ms IS NOT NULL
         )
         SELECT AVG(ms) AS median FROM ranked WHERE rn IN ((n + 1) / 2, (n + 2) / 2)`,
      window,
    ),
  );

  const firstDay = Math.floor(range.from / DAY_MS);
  const lastDay = Math.floor((range.to - 1) / DAY_MS);
  const byDay = new Map<number, InsightsDay>();
  for (let day = firstDay; day <= lastDay; day++) {
    byDay.set(day, {
      day,
      questions: 0,
      answered: 0,
      notFound: 0,
      unfinished: 0,
      lowScore: 0,
      thumbsUp: 0,
      thumbsDown: 0,
      moderatedTurns: 0,
      medianFirstTokenMs: null,
    });
  }
  for (const r of turnRows) {
    const d = byDay.get(r.day);
    if (!d) continue;
    d.questions = r.questions;
    const answeredUnjudged = judgedAnswered.get(r.day) ?? 0;
    d.answered = r.answered + answeredUnjudged;
    d.notFound = r.not_found + r.unjudged - answeredUnjudged;
    d.unfinished = r.unfinished;
    d.lowScore = r.low_score;
  }
  for (const r of feedbackRows) {
    const d = byDay.get(r.day);
    if (!d) continue;
    d.thumbsUp = r.up;
    d.thumbsDown = r.down;
  }
  for (const r of auditRows) {
    const d = byDay.get(r.day);
    if (d) d.moderatedTurns = r.turns;
  }
  for (const r of medianRows) {
    const d = byDay.get(r.day);
    if (d) d.medianFirstTokenMs = r.median;
  }
  return { days: [...byDay.values()], medianFirstTokenMs: overall.median };
}

export interface GapTurn {
  turnId: string;
  chatId: string;
  query: string;
  createdAt: number;
  fcs: number | null;
  notFound: boolean;
  lowScore: boolean;
  thumbsDown: boolean;
  /** The results the answer was generated from, in rank order (as stored with the turn). */
  citations: Array<{ documentId: string; title: string }>;
}

/** A stored citation's article, or null for anything else in the array. */
function citedArticle(item: unknown): { documentId: string; title: string } | null {
  if (typeof item !== "object" || item === null) return null;
  const { documentId, title } = item as { documentId?: unknown; title?: unknown };
  if (typeof documentId !== "string") return null;
  return { documentId, title: typeof title === "string" ? title : "" };
}

/** The stored citations' articles, in rank order; unreadable JSON is none. */
const storedCitations = z.string().transform((text) => {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return [];
  }
  return Array.isArray(value) ? value.flatMap((item) => citedArticle(item) ?? []) : [];
});

const gapRow = z.object({
  turn_id: z.string(),
  chat_id: z.string(),
  query: z.string(),
  citations: storedCitations,
  fcs: nullableNumber,
  created_at: epochMs,
  cited: count,
  rating: z.string().nullable(),
});

/**
 * The knowledge-gap questions of the range, newest first: at most `limit` of them, and
 * how many there are in all (`total`), so a caller can say it looked at the newest only.
 */
export async function listGapTurns({
  db,
  range,
  lowScore,
  limit,
}: {
  db: SqlDriver;
  range: InsightsRange;
  lowScore: number;
  limit: number;
}): Promise<{ turns: GapTurn[]; total: number }> {
  const cites = answerCitesSql(db.dialect);
  const low = "(t.fcs IS NOT NULL AND t.fcs < ?)";
  const inRange = "t.created_at >= ? AND t.created_at < ? AND t.status = 'complete'";
  // The newest gap turns' ids first (from the index and feedback's key), then their rows:
  // only those rows' stored citations are read.
  const rows = z.array(gapRow).parse(
    await db.all(
      `SELECT t.turn_id, t.chat_id, t.query, t.citations, t.fcs, t.created_at,
           CASE WHEN ${cites} THEN 1 ELSE 0 END AS cited, f.rating
         FROM turns t LEFT JOIN feedback f ON f.turn_id = t.turn_id
         WHERE t.turn_id IN (
           SELECT t.turn_id FROM turns t LEFT JOIN feedback f ON f.turn_id = t.turn_id
           WHERE ${inRange} AND (NOT ${cites} OR ${low} OR f.rating = 'down')
           ORDER BY t.created_at DESC, t.turn_id DESC
           LIMIT ?
         )
         ORDER BY t.created_at DESC, t.turn_id DESC`,
      [range.from, range.to, lowScore, limit],
    ),
  );
  // How many in all: those uncited or low (from the index alone), plus the thumbed-down rest.
  const total = z.object({ uncited_or_low: count, down_only: count }).parse(
    await db.get(
      `SELECT
           (SELECT COUNT(*) FROM turns t WHERE ${inRange} AND (NOT ${cites} OR ${low})) AS uncited_or_low,
           (SELECT COUNT(*) FROM feedback f JOIN turns t ON t.turn_id = f.turn_id
             WHERE f.rating = 'down' AND ${inRange} AND ${cites} AND NOT ${low}) AS down_only`,
      [range.from, range.to, lowScore, range.from, range.to, lowScore],
    ),
  );
  return {
    total: total.uncited_or_low + total.down_only,
    turns: rows.map((r) => ({
      turnId: r.turn_id,
      chatId: r.chat_id,
      query: r.query,
      createdAt: r.created_at,
      fcs: r.fcs,
      notFound: r.cited === 0,
      lowScore: r.fcs !== null && r.fcs < lowScore,
      thumbsDown: r.rating === "down",
      citations: r.citations,
    })),
  };
}
