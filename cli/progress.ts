import type { IngestProgress } from "@/lib/ingest";

/**
 * Progress on stderr. On a terminal: one bar redrawn in place, with count, rate and
 * ETA. Otherwise (CI logs, pipes): one plain line per file that changed or failed.
 */
export function createProgress(stream: NodeJS.WriteStream = process.stderr) {
  const started = Date.now();
  const tty = Boolean(stream.isTTY);
  let lastDraw = 0;

  function update(p: IngestProgress): void {
    if (!tty) {
      if (p.outcome !== "unchanged") {
        const reason = p.reason ? `: ${p.reason}` : "";
        stream.write(`${p.outcome.padEnd(9)} ${p.id}${reason}\n`);
      }
      return;
    }
    if (p.outcome === "failed") {
      clear();
      stream.write(`failed    ${p.id}: ${p.reason ?? ""}\n`);
    }
    const now = Date.now();
    if (now - lastDraw < 80 && p.done < p.total && p.outcome !== "failed") return;
    lastDraw = now;
    draw(p.done, p.total, now);
  }

  function draw(done: number, total: number, now: number): void {
    const seconds = Math.max((now - started) / 1000, 0.001);
    const rate = done / seconds;
    const eta = rate > 0 && total > done ? `ETA ${formatSeconds((total - done) / rate)}` : "";
    const width = 30;
    const filled = total ? Math.round((done / total) * width) : width;
    const bar = `${"█".repeat(filled)}${"░".repeat(width - filled)}`;
    stream.write(`\r\x1b[2K${bar} ${done}/${total} files  ${rate.toFixed(1)}/s  ${eta}`);
  }

  function clear(): void {
    if (tty) stream.write("\r\x1b[2K");
  }

  return { update, done: clear };
}

function formatSeconds(s: number): string {
  if (s < 60) return `${Math.ceil(s)}s`;
  return `${Math.floor(s / 60)}m${String(Math.ceil(s % 60)).padStart(2, "0")}s`;
}
