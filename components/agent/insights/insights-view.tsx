import Link from "next/link";
import { focusRing } from "@/components/ui/button";
import { asPercent } from "@/lib/chat/score-levels";
import type { InsightsReport } from "@/lib/staff/insights";
import { INSIGHTS_PERIODS } from "@/lib/staff/insights-gaps";
import { DayChart, isoDay } from "./day-chart";
import { GapReport, SHOWN_GROUPS } from "./gap-report";

const count = (n: number) => n.toLocaleString("en-US");
const ms = (n: number) => `${count(Math.round(n))} ms`;
const share = (part: number, whole: number) =>
  whole === 0 ? "0%" : `${Math.round((part / whole) * 100)}%`;

/** The busiest day of a series, said in words ("most on 2026-03-14: 82"). */
function peak(days: number[], values: number[], unit: string): string {
  let best = -1;
  values.forEach((v, i) => {
    if (best < 0 || v > (values[best] ?? 0)) best = i;
  });
  const day = days[best];
  const value = values[best] ?? 0;
  return value > 0 && day !== undefined ? `; most on ${isoDay(day)} (${count(value)} ${unit})` : "";
}

/** The insights page's content: period, totals, charts, definitions, knowledge gaps. */
export function InsightsView({ report }: { report: InsightsReport }) {
  const { series, gaps } = report;
  const days = series.days.map((d) => d.day);
  const pick = (key: keyof (typeof series.days)[number]) =>
    series.days.map((d) => d[key] as number);
  const sum = (key: keyof (typeof series.days)[number]) =>
    series.days.reduce((n, d) => n + ((d[key] as number | null) ?? 0), 0);
  const questions = sum("questions");
  const answered = sum("answered");
  const notFound = sum("notFound");
  const unfinished = sum("unfinished");
  const up = sum("thumbsUp");
  const down = sum("thumbsDown");
  const low = sum("lowScore");
  const moderated = sum("moderatedTurns");
  const lowPercent = asPercent(report.lowScoreThreshold);
  const period = `the last ${report.days} days`;
  const firstDay = days[0];
  const lastDay = days[days.length - 1];

  return (
    <div className="flex flex-col gap-6">
      <div className="flex flex-wrap items-end justify-between gap-4">
        <div>
          <h1 className="font-semibold text-2xl tracking-tight">Insights</h1>
          <p className="mt-1 text-muted text-sm" data-testid="insights-range">
            How the assistant did over {period}:{" "}
            {firstDay !== undefined && lastDay !== undefined
              ? `${isoDay(firstDay)} to ${isoDay(lastDay)}`
              : ""}
            , in UTC days (today so far included).
          </p>
        </div>
        <nav
          aria-label="Period"
          className="flex gap-1 rounded-lg border border-border bg-surface p-1"
        >
          {INSIGHTS_PERIODS.map((d) => (
            <Link
              key={d}
              href={`/agent/insights?days=${d}`}
              data-testid={`insights-period-${d}`}
              aria-current={d === report.days ? "page" : undefined}
              className={`rounded-md px-3 py-1.5 font-medium text-sm ${
                d === report.days
                  ? "bg-brand text-brand-foreground"
                  : "text-muted hover:bg-surface-muted hover:text-foreground"
              } ${focusRing}`}
            >
              {d} days
            </Link>
          ))}
        </nav>
      </div>

      <dl
        data-testid="insights-totals"
        className="grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-6"
      >
        {[
          ["Questions", count(questions)],
          ["Answered", `${count(answered)} (${share(answered, questions)})`],
          ["Couldn't find it", `${count(notFound)} (${share(notFound, questions)})`],
          ["Thumbs up / down", `${count(up)} / ${count(down)}`],
          ["Low-score answers", count(low)],
          [
            "Median first token",
            series.medianFirstTokenMs === null ? "—" : ms(series.medianFirstTokenMs),
          ],
        ].map(([label, value]) => (
          <div key={label} className="rounded-xl border border-border bg-surface px-4 py-3">
            <dt className="text-muted text-xs">{label}</dt>
            <dd className="mt-1 font-semibold text-lg tabular-nums">{value}</dd>
          </div>
        ))}
      </dl>

      <section aria-labelledby="insights-charts" className="flex flex-col gap-3">
        <h2 id="insights-charts" className="sr-only">
          Charts
        </h2>
        <div className="grid gap-4 lg:grid-cols-2">
          <DayChart
            testId="chart-questions"
            title="Questions per day"
            summary={`${count(questions)} questions in ${period}${peak(days, pick("questions"), "questions")}.`}
            days={days}
            series={[
              {
                label: "Questions",
                fill: "fill-brand",
                swatch: "bg-brand",
                values: pick("questions"),
              },
            ]}
          />
          <DayChart
            testId="chart-answered"
            title="Answered versus couldn't find it"
            summary={`${count(answered)} answered with a source, ${count(notFound)} couldn't find it, ${count(unfinished)} stopped or failed.`}
            days={days}
            series={[
              {
                label: "Answered",
                fill: "fill-positive",
                swatch: "bg-positive",
                values: pick("answered"),
              },
              {
                label: "Couldn't find it",
                fill: "fill-warning",
                swatch: "bg-warning",
                values: pick("notFound"),
              },
              {
                label: "Stopped or failed",
                fill: "fill-muted",
                swatch: "bg-muted",
                values: pick("unfinished"),
              },
            ]}
          />
          <DayChart
            testId="chart-feedback"
            title="Thumbs up and down"
            summary={`${count(up)} thumbs up and ${count(down)} thumbs down, by the day they were given.`}
            kind="mirror"
            days={days}
            series={[
              {
                label: "Thumbs up",
                fill: "fill-positive",
                swatch: "bg-positive",
                values: pick("thumbsUp"),
              },
              {
                label: "Thumbs down",
                fill: "fill-danger",
                swatch: "bg-danger",
                values: pick("thumbsDown"),
              },
            ]}
          />
          <DayChart
            testId="chart-low-score"
            title={`Low-score answers (below ${lowPercent}%)`}
            summary={`${count(low)} answers scored below ${lowPercent}%${peak(days, pick("lowScore"), "answers")}.`}
            days={days}
            series={[
              {
                label: "Low-score answers",
                fill: "fill-danger",
                swatch: "bg-danger",
                values: pick("lowScore"),
              },
            ]}
          />
          <DayChart
            testId="chart-moderated"
            title="Moderated turns"
            summary={`${count(moderated)} turns disabled by moderators${peak(days, pick("moderatedTurns"), "turns")}.`}
            days={days}
            series={[
              {
                label: "Moderated turns",
                fill: "fill-foreground",
                swatch: "bg-foreground",
                values: pick("moderatedTurns"),
              },
            ]}
          />
          <DayChart
            testId="chart-first-token"
            title="Median time to first token (ms)"
            summary={
              series.medianFirstTokenMs === null
                ? "No answer in this period has a time to first token."
                : `The median over ${period} is ${ms(series.medianFirstTokenMs)}; each point is a day's median.`
            }
            kind="line"
            format={ms}
            days={days}
            series={[
              {
                label: "Median time to first token",
                fill: "fill-brand",
                stroke: "stroke-brand",
                swatch: "bg-brand",
                values: series.days.map((d) => d.medianFirstTokenMs),
              },
            ]}
          />
        </div>
        <details
          data-testid="insights-help"
          className="rounded-xl border border-border bg-surface p-4 text-sm"
        >
          <summary className={`cursor-pointer rounded-sm font-medium ${focusRing}`}>
            How these are counted
          </summary>
          <ul className="mt-2 flex list-disc flex-col gap-1 pl-5 text-muted">
            <li>Days are UTC days. A question is counted on the day it was asked.</li>
            <li>
              <strong className="text-foreground">Answered</strong>: the answer completed and cites
              at least one source ([1], [2] …).
            </li>
            <li>
              <strong className="text-foreground">Couldn't find it</strong>: the answer completed
              without citing any source, such as “I couldn't find an answer to that in the knowledge
              base”, Vectara's “did not contain sufficient information”, or a reply to small talk.
              Stopped and failed answers are counted apart.
            </li>
            <li>
              <strong className="text-foreground">Low score</strong>: a completed answer whose
              factual-consistency score is below {lowPercent}% (FCS_LOW_THRESHOLD).
            </li>
            <li>
              Thumbs are counted on the day they were given; moderated turns on the day a moderator
              disabled them.
            </li>
            <li>
              <strong className="text-foreground">Knowledge gaps</strong>: questions that couldn't
              be found, scored low or got a thumbs-down (greetings and thanks left out), grouped
              when their words overlap: the same content words, with word endings and common words
              ignored, sharing at least half of them.
            </li>
          </ul>
        </details>
      </section>

      <section aria-labelledby="insights-gaps" data-testid="insights-gaps">
        <div className="flex flex-wrap items-end justify-between gap-3">
          <div>
            <h2 id="insights-gaps" className="font-semibold text-lg tracking-tight">
              Knowledge gaps
            </h2>
            <p className="mt-1 text-muted text-sm" data-testid="gaps-summary">
              {count(gaps.total)} gap {gaps.total === 1 ? "question" : "questions"} in {period}
              {gaps.groups.length > 0
                ? `, in ${count(gaps.groups.length)} ${gaps.groups.length === 1 ? "group" : "groups"} by wording`
                : ""}
              .
              {gaps.groups.length > SHOWN_GROUPS &&
                ` The ${SHOWN_GROUPS} largest groups are shown; the CSV has them all.`}
            </p>
            {gaps.total > gaps.clustered && (
              <p className="mt-1 text-sm text-warning-foreground" data-testid="gaps-truncated">
                Only the newest {count(gaps.clustered)} of the {count(gaps.total)} gap questions are
                grouped (at most {count(gaps.limit)} per view); choose a shorter period to see all
                of them.
              </p>
            )}
          </div>
          <a
            href={`/api/agent/insights/gaps?days=${report.days}`}
            download
            data-testid="gaps-csv"
            className={`rounded-md border border-border bg-surface px-3 py-1.5 font-medium text-sm hover:bg-surface-muted ${focusRing}`}
          >
            Download CSV
          </a>
        </div>
        <GapReport groups={gaps.groups} />
      </section>
    </div>
  );
}
