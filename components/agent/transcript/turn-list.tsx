"use client";

import { useCallback, useState } from "react";
import { LazyPassageDrawer } from "@/components/citations/lazy-passage-drawer";
import type { Citation } from "@/lib/chat/messages";
import { DisableTurnDialog } from "./disable-turn-dialog";
import { TurnCard } from "./turn-card";
import type { TranscriptTurn } from "./types";

/** The turns, each with its inspector; one confirmation dialog and one passage drawer for all. */
export function TurnList({
  chatId,
  turns,
  canModerate,
}: {
  chatId: string;
  turns: TranscriptTurn[];
  canModerate: boolean;
}) {
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(() => new Set());
  const [disabling, setDisabling] = useState<number | null>(null);
  const [passage, setPassage] = useState<Citation | null>(null);

  const toggle = useCallback((turnId: string) => {
    setExpanded((prev) => {
      const next = new Set(prev);
      if (!next.delete(turnId)) next.add(turnId);
      return next;
    });
  }, []);

  // Vectara disables the chosen turn and every later one; list the ones still enabled.
  const affected =
    disabling === null
      ? []
      : turns
          .map((turn, i) => ({
            turnId: turn.turnId,
            number: i + 1,
            query: turn.query,
            enabled: turn.enabled,
          }))
          .slice(disabling)
          .filter((t) => t.enabled);
  const target = disabling === null ? undefined : turns[disabling];

  return (
    <>
      <ol className="grid gap-4">
        {turns.map((turn, i) => (
          <li key={turn.turnId}>
            <TurnCard
              turn={turn}
              number={i + 1}
              expanded={expanded.has(turn.turnId)}
              onToggle={toggle}
              onDisable={canModerate && turn.enabled ? () => setDisabling(i) : undefined}
              onOpenPassage={setPassage}
            />
          </li>
        ))}
      </ol>
      {canModerate && target && disabling !== null ? (
        <DisableTurnDialog
          chatId={chatId}
          turnId={target.turnId}
          number={disabling + 1}
          affected={affected}
          onClose={() => setDisabling(null)}
        />
      ) : null}
      {passage ? <LazyPassageDrawer citation={passage} onClose={() => setPassage(null)} /> : null}
    </>
  );
}
