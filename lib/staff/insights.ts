import "server-only";
import { z } from "zod";
import { getConfig } from "@/lib/config";
import {
  DAY_MS,
  getAppDb,
  type InsightsRange,
  type InsightsSeries,
  listGapTurns,
  readInsightsSeries,
  type SqlDriver,
} from "@/lib/db";
import {
  clusterGapTurns,
  type GapGroup,
  type InsightsPeriod,
  MAX_GAP_QUESTIONS,
} from "./insights-gaps";

/**
 * The staff insights (`/agent/insights`): a period's per-day series and its knowledge
 * gaps. Days are UTC days; a period of N days is today (so far) and the N − 1 before it.
 */

export { INSIGHTS_PERIODS, type InsightsPeriod } from "./insights-gaps";

export const DEFAULT_PERIOD: InsightsPeriod = 30;

/** `days` as the API takes it: 7, 30 or 90, else a 400. */
export const insightsDaysSchema = z
  .enum(["7", "30", "90"])
  .default("30")
  .transform((d) => Number(d) as InsightsPeriod);

/** `?days=` as the page reads it: anything else is the default period. */
export const insightsPageDaysSchema = insightsDaysSchema.catch(DEFAULT_PERIOD);

/** The period's range: from the UTC midnight `days − 1` days before today to tomorrow's. */
export function periodRange(days: InsightsPeriod, now: number): InsightsRange {
  const tomorrow = (Math.floor(now / DAY_MS) + 1) * DAY_MS;
  return { from: tomorrow - days * DAY_MS, to: tomorrow };
}

export interface InsightsReport {
  days: InsightsPeriod;
  range: InsightsRange;
  lowScoreThreshold: number;
  series: InsightsSeries;
  gaps: {
    groups: GapGroup[];
    /** Gap questions in the period. */
    total: number;
    /** Those clustered: the newest `MAX_GAP_QUESTIONS`. */
    clustered: number;
    limit: number;
  };
}

/** Everything the insights page shows, for a period ending now. */
export async function readInsights({
  days,
  now = Date.now(),
  db,
  lowScore = getConfig().scoreThresholds.low,
  limit = MAX_GAP_QUESTIONS,
}: {
  days: InsightsPeriod;
  now?: number;
  db?: SqlDriver;
  lowScore?: number;
  limit?: number;
}): Promise<InsightsReport> {
  const appDb = db ?? (await getAppDb());
  const range = periodRange(days, now);
  const series = await readInsightsSeries({ db: appDb, range, lowScore });
  const gaps = await readGapGroups({ db: appDb, range, lowScore, limit });
  return { days, range, lowScoreThreshold: lowScore, series, gaps };
}

/** The period's gap questions (the newest `limit`), grouped by wording. */
export async function readGapGroups({
  db,
  range,
  lowScore,
  limit = MAX_GAP_QUESTIONS,
}: {
  db: SqlDriver;
  range: InsightsRange;
  lowScore: number;
  limit?: number;
}): Promise<InsightsReport["gaps"]> {
  const { turns, total } = await listGapTurns({ db, range, lowScore, limit });
  return { groups: clusterGapTurns(turns), total, clustered: turns.length, limit };
}

/** A safe download name: `parley-knowledge-gaps-30d-2026-12-05.csv`. */
export function gapCsvFilename(days: InsightsPeriod, now: number): string {
  return `parley-knowledge-gaps-${days}d-${new Date(now).toISOString().slice(0, 10)}.csv`;
}
