import { formatMs } from "./format";
import type { TranscriptTurn } from "./types";

type TurnHistory = NonNullable<TranscriptTurn["history"]>;

/**
 * The turn's query-history record (Vectara's `GET /v2/queries`): how long the turn took
 * and what each stage did. Shown only when the record was found.
 */
export function QueryHistoryBlock({ history }: { history: TurnHistory }) {
  const stages: Array<{ label: string; value: string; testId: string }> = [];
  if (history.rephrasedQuery !== null) {
    stages.push({ label: "Rephrased as", value: history.rephrasedQuery, testId: "rephrase" });
  }
  if (history.search) {
    stages.push({
      label: "Search",
      value: `${history.search.results} ${history.search.results === 1 ? "result" : "results"} in ${formatMs(history.search.ms)}`,
      testId: "search",
    });
  }
  if (history.rerank) {
    stages.push({
      label: "Rerank",
      value: `${history.rerank.results} kept in ${formatMs(history.rerank.ms)}`,
      testId: "rerank",
    });
  }
  if (history.generation) {
    stages.push({
      label: "Generation",
      value: `${history.generation.characters.toLocaleString("en-GB")} characters in ${formatMs(history.generation.ms)}`,
      testId: "generation",
    });
  }
  if (history.fcs !== null) {
    stages.push({ label: "Factual consistency", value: history.fcs.toFixed(3), testId: "fcs" });
  }
  return (
    <section
      data-testid="inspector-query-history"
      aria-label="Query history"
      className="mt-4 rounded-lg border border-border px-3 py-2"
    >
      <h4 className="mb-2 font-semibold text-muted text-xs uppercase tracking-wider">
        Query history
      </h4>
      <dl className="grid grid-cols-[8.5rem_minmax(0,1fr)] gap-x-3 gap-y-1">
        <dt className="text-muted">Latency</dt>
        <dd data-testid="history-latency" className="font-mono tabular-nums">
          {formatMs(history.latencyMs)}
        </dd>
        {stages.map((s) => (
          <div key={s.testId} className="contents">
            <dt className="text-muted">{s.label}</dt>
            <dd data-testid={`history-${s.testId}`} className="min-w-0 break-words">
              {s.value}
            </dd>
          </div>
        ))}
        <dt className="text-muted">Record id</dt>
        <dd>
          <code className="break-all font-mono text-xs">{history.id}</code>
        </dd>
      </dl>
    </section>
  );
}
