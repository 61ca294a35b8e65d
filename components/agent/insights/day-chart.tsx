import { useId } from "react";

/**
 * A small hand-drawn SVG chart of one value (or a few stacked values) per UTC day,
 * rendered on the server: no chart code reaches the browser. Accessible: the figure is
 * titled, says its values in a sentence, and holds them in a screen-reader-only table;
 * the SVG itself is decorative. Colours are the palette's (light and dark).
 */

export interface DaySeries {
  label: string;
  /** A Tailwind fill and background pair from the palette (`fill-brand`, `bg-brand`). */
  fill: string;
  swatch: string;
  /** For a line: its Tailwind stroke class (`stroke-brand`), written out so Tailwind sees it. */
  stroke?: string;
  values: Array<number | null>;
}

const WIDTH = 600;
const HEIGHT = 160;

/** "14 Mar" for a day number (days since 1970-01-01, UTC). */
export function shortDay(day: number): string {
  return new Date(day * 86_400_000).toLocaleDateString("en-GB", {
    day: "numeric",
    month: "short",
    timeZone: "UTC",
  });
}

/** "2026-03-14" for a day number. */
export const isoDay = (day: number) => new Date(day * 86_400_000).toISOString().slice(0, 10);

/** A round axis maximum at or above `max` (1, 1.5, 2, 2.5, 3, 4, 5, 6, 8 × 10ⁿ; at least 1). */
function niceMax(max: number): number {
  if (max <= 1) return 1;
  const power = 10 ** Math.floor(Math.log10(max));
  for (const step of [1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10]) {
    if (step * power >= max) return step * power;
  }
  return 10 * power;
}

const axisNumber = (n: number) => n.toLocaleString("en-US");

export function DayChart({
  title,
  summary,
  days,
  series,
  kind = "bars",
  format = (n: number) => n.toLocaleString("en-US"),
  testId,
}: {
  title: string;
  summary: string;
  days: number[];
  series: DaySeries[];
  /** bars: the series stacked; mirror: the first up, the second down; line: one line. */
  kind?: "bars" | "mirror" | "line";
  format?: (n: number) => string;
  testId: string;
}) {
  const id = useId();
  const n = Math.max(days.length, 1);
  const slot = WIDTH / n;
  const barWidth = Math.max(slot * 0.72, 1);
  const total = (i: number) => series.reduce((sum, s) => sum + (s.values[i] ?? 0), 0);
  const up = series[0];
  const down = series[1];
  const maxValue =
    kind === "mirror"
      ? Math.max(0, ...days.map((_, i) => Math.max(up?.values[i] ?? 0, down?.values[i] ?? 0)))
      : kind === "line"
        ? Math.max(0, ...(up?.values ?? []).map((v) => v ?? 0))
        : Math.max(0, ...days.map((_, i) => total(i)));
  const top = niceMax(maxValue);
  const baseline = kind === "mirror" ? HEIGHT / 2 : HEIGHT;
  const scale = (kind === "mirror" ? HEIGHT / 2 : HEIGHT) / top;

  const shapes: React.ReactNode[] = [];
  days.forEach((day, i) => {
    const x = i * slot + (slot - barWidth) / 2;
    if (kind === "bars") {
      let y = HEIGHT;
      for (const s of series) {
        const v = s.values[i] ?? 0;
        if (v <= 0) continue;
        const h = v * scale;
        y -= h;
        shapes.push(
          <rect
            key={`${s.label}-${day}`}
            x={x}
            y={y}
            width={barWidth}
            height={h}
            className={s.fill}
          >
            <title>{`${isoDay(day)}: ${format(v)} ${s.label.toLowerCase()}`}</title>
          </rect>,
        );
      }
    } else if (kind === "mirror" && up && down) {
      const u = up.values[i] ?? 0;
      const d = down.values[i] ?? 0;
      if (u > 0)
        shapes.push(
          <rect
            key={`u-${day}`}
            x={x}
            y={baseline - u * scale}
            width={barWidth}
            height={u * scale}
            className={up.fill}
          >
            <title>{`${isoDay(day)}: ${format(u)} ${up.label.toLowerCase()}`}</title>
          </rect>,
        );
      if (d > 0)
        shapes.push(
          <rect
            key={`d-${day}`}
            x={x}
            y={baseline}
            width={barWidth}
            height={d * scale}
            className={down.fill}
          >
            <title>{`${isoDay(day)}: ${format(d)} ${down.label.toLowerCase()}`}</title>
          </rect>,
        );
    }
  });
  if (kind === "line" && up) {
    // One polyline per run of days that have a value; a lone day is a dot.
    let run: string[] = [];
    const flush = (key: number) => {
      if (run.length > 1)
        shapes.push(
          <polyline
            key={`l-${key}`}
            points={run.join(" ")}
            fill="none"
            strokeWidth={2}
            vectorEffect="non-scaling-stroke"
            className={up.stroke ?? "stroke-foreground"}
          />,
        );
      run = [];
    };
    days.forEach((day, i) => {
      const v = up.values[i];
      if (v === null || v === undefined) {
        flush(day);
        return;
      }
      const cx = i * slot + slot / 2;
      const cy = HEIGHT - v * scale;
      run.push(`${cx},${cy}`);
      shapes.push(
        <rect
          key={`p-${day}`}
          x={cx - Math.min(slot / 2, 3)}
          y={cy - 1.5}
          width={Math.min(slot, 6)}
          height={3}
          className={up.fill}
        >
          <title>{`${isoDay(day)}: ${format(v)}`}</title>
        </rect>,
      );
    });
    flush(-1);
  }

  const first = days[0];
  const last = days[days.length - 1];
  return (
    <figure
      data-testid={testId}
      aria-labelledby={`${id}-title`}
      aria-describedby={`${id}-summary`}
      className="flex flex-col gap-2 rounded-xl border border-border bg-surface p-4"
    >
      <figcaption>
        <h3 id={`${id}-title`} className="font-semibold text-sm">
          {title}
        </h3>
        <p
          id={`${id}-summary`}
          data-testid={`${testId}-summary`}
          className="mt-0.5 text-muted text-xs"
        >
          {summary}
        </p>
      </figcaption>
      {series.length > 1 && (
        <ul className="flex flex-wrap gap-x-3 gap-y-1 text-muted text-xs" aria-hidden="true">
          {series.map((s) => (
            <li key={s.label} className="flex items-center gap-1.5">
              <span className={`inline-block size-2.5 rounded-sm ${s.swatch}`} />
              {s.label}
            </li>
          ))}
        </ul>
      )}
      <div className="flex gap-2" aria-hidden="true">
        <div className="flex w-10 shrink-0 flex-col justify-between text-right text-[11px] text-muted tabular-nums">
          <span>{axisNumber(top)}</span>
          {kind === "mirror" ? <span>0</span> : null}
          <span>{kind === "mirror" ? axisNumber(top) : "0"}</span>
        </div>
        <div className="min-w-0 flex-1">
          <svg
            viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
            preserveAspectRatio="none"
            className="h-32 w-full overflow-visible border-border border-b"
            focusable="false"
            aria-hidden="true"
          >
            <line
              x1={0}
              x2={WIDTH}
              y1={0}
              y2={0}
              className="stroke-border"
              strokeDasharray="4 4"
              vectorEffect="non-scaling-stroke"
            />
            {kind === "mirror" && (
              <line
                x1={0}
                x2={WIDTH}
                y1={baseline}
                y2={baseline}
                className="stroke-border"
                vectorEffect="non-scaling-stroke"
              />
            )}
            {shapes}
          </svg>
          {first !== undefined && last !== undefined && (
            <div className="mt-1 flex justify-between text-[11px] text-muted">
              <span>{shortDay(first)}</span>
              <span>{shortDay(last)}</span>
            </div>
          )}
        </div>
      </div>
      <table className="sr-only">
        <caption>{title}, per day (UTC)</caption>
        <thead>
          <tr>
            <th scope="col">Day</th>
            {series.map((s) => (
              <th key={s.label} scope="col">
                {s.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {days.map((day, i) => (
            <tr key={day}>
              <th scope="row">{isoDay(day)}</th>
              {series.map((s) => {
                const v = s.values[i];
                return <td key={s.label}>{v === null || v === undefined ? "none" : format(v)}</td>;
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
