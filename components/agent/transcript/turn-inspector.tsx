import type { ReactNode } from "react";
import { CitationCard } from "@/components/citations/citation-card";
import { focusRing } from "@/components/ui/button";
import { citedIndexes } from "@/lib/chat/cited";
import type { Citation } from "@/lib/chat/messages";
import { FeedbackLabel } from "./feedback-label";
import { formatMs } from "./format";
import { QueryHistoryBlock } from "./query-history";
import type { TranscriptTurn } from "./types";

/**
 * Everything Parley knows about how one answer came about: the query Vectara ran,
 * the search results it had (cited ones marked), the score, feedback and timings.
 */
export function TurnInspector({
  id,
  turn,
  number,
  onOpenPassage,
}: {
  id: string;
  turn: TranscriptTurn;
  number: number;
  onOpenPassage: (citation: Citation) => void;
}) {
  const cited = new Set(citedIndexes(turn.answer));
  const rephrased =
    turn.rephrasedQuery && turn.rephrasedQuery.trim() !== turn.query.trim()
      ? turn.rephrasedQuery
      : null;
  const citedResults = turn.citations.filter((c) => cited.has(c.index));
  const otherResults = turn.citations.filter((c) => !cited.has(c.index));
  const citedCount = citedResults.length;
  const cardProps = { cited, onOpenPassage, idPrefix: `turn-${turn.turnId}-source-` };

  return (
    <section
      id={id}
      data-testid="turn-inspector"
      aria-label={`Inspector for turn ${number}`}
      className="border-border border-t bg-background/60 px-4 py-3 text-sm"
    >
      <dl className="grid grid-cols-[8.5rem_minmax(0,1fr)] gap-x-3 gap-y-1.5">
        <Row label="Query">
          <span className="whitespace-pre-wrap break-words">{turn.query}</span>
        </Row>
        {rephrased && (
          <Row label="Rephrased query">
            <span data-testid="inspector-rephrased" className="whitespace-pre-wrap break-words">
              {rephrased}
            </span>
          </Row>
        )}
        <Row label="Factual consistency">
          <span data-testid="inspector-score" className="font-mono tabular-nums">
            {turn.fcs === null ? "—" : turn.fcs.toFixed(3)}
          </span>
        </Row>
        <Row label="Enabled">
          <span data-testid="inspector-enabled">{turn.enabled ? "Yes" : "No (disabled)"}</span>
        </Row>
        <Row label="Feedback">
          {turn.feedback ? <FeedbackLabel feedback={turn.feedback} /> : <Muted>None</Muted>}
        </Row>
        <Row label="First token">
          <span className="font-mono tabular-nums">{formatMs(turn.firstTokenMs)}</span>
        </Row>
        <Row label="Total time">
          <span className="font-mono tabular-nums">{formatMs(turn.totalMs)}</span>
        </Row>
        <Row label="Turn id">
          <code className="break-all font-mono text-xs">{turn.turnId}</code>
        </Row>
      </dl>

      {turn.history && <QueryHistoryBlock history={turn.history} />}

      <h4 className="mt-4 mb-2 font-semibold text-muted text-xs uppercase tracking-wider">
        Search results ({turn.citations.length}
        {turn.citations.length > 0 ? `, ${citedCount} cited` : ""})
      </h4>
      {turn.citations.length === 0 ? (
        <Muted>Parley stored no search results for this turn.</Muted>
      ) : (
        <div data-testid="inspector-results" className="grid gap-2">
          {citedResults.length > 0 ? (
            <Results results={citedResults} {...cardProps} />
          ) : (
            <Muted>The answer cites none of them.</Muted>
          )}
          {otherResults.length > 0 && (
            // Most results go uncited; folded, so a turn's inspector stays scannable.
            <details className="group rounded-lg border border-border">
              <summary
                className={`cursor-pointer select-none rounded-lg px-3 py-2 font-medium text-muted text-xs hover:text-foreground ${focusRing}`}
              >
                {otherResults.length} more retrieved, not cited
              </summary>
              <div className="border-border border-t p-2">
                <Results results={otherResults} {...cardProps} />
              </div>
            </details>
          )}
        </div>
      )}
    </section>
  );
}

function Results({
  results,
  cited,
  onOpenPassage,
  idPrefix,
}: {
  results: Citation[];
  cited: ReadonlySet<number>;
  onOpenPassage: (citation: Citation) => void;
  idPrefix: string;
}) {
  return (
    <ol className="grid gap-2">
      {results.map((citation) => {
        const isCited = cited.has(citation.index);
        return (
          <li key={citation.index} data-cited={isCited}>
            <p className={`mb-1 font-medium text-xs ${isCited ? "text-brand" : "text-muted"}`}>
              {isCited ? "Cited in the answer" : "Retrieved, not cited"} · relevance{" "}
              <span className="font-mono tabular-nums">{citation.score.toFixed(3)}</span>
            </p>
            <CitationCard
              citation={citation}
              active={isCited}
              onOpenPassage={onOpenPassage}
              idPrefix={idPrefix}
            />
          </li>
        );
      })}
    </ol>
  );
}

function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <>
      <dt className="text-muted">{label}</dt>
      <dd className="min-w-0">{children}</dd>
    </>
  );
}

function Muted({ children }: { children: ReactNode }) {
  return <span className="text-muted">{children}</span>;
}
