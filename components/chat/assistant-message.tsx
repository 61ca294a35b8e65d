"use client";

import dynamic from "next/dynamic";
import { useCallback, useId, useMemo, useState } from "react";
import { LazyPassageDrawer } from "@/components/citations/lazy-passage-drawer";
import { Button } from "@/components/ui/button";
import { RetryIcon } from "@/components/ui/icons";
import { numberSources } from "@/lib/chat/cited";
import type { ChatMessage, Citation } from "@/lib/chat/messages";
import { LazyAnswerMarkdown } from "./lazy-markdown";
import { RemovedTurn } from "./removed-turn";

// The score badge, source cards and answer actions appear once an answer is complete,
// so they load then, off the home page's first load. `loading` gives them a Suspense
// boundary of their own: without one, their first load suspended the whole message, and
// the answer's text waited for the chunk (bench:ui's first token).
const AnswerExtras = dynamic(() => import("./answer-extras").then((m) => m.AnswerExtras), {
  loading: () => null,
});

export function AssistantMessage({
  message,
  streaming,
  stopped,
  failed,
  onRegenerate,
}: {
  message: ChatMessage;
  streaming: boolean;
  stopped: boolean;
  failed: boolean;
  /** Asks the question again in place of this answer; only on the thread's last answer. */
  onRegenerate?: () => void;
}) {
  const [active, setActive] = useState<number | null>(null);
  const [passage, setPassage] = useState<{ citation: Citation; numbered: boolean } | null>(null);
  const idPrefix = `${useId().replace(/:/g, "")}-citation-`;

  const rawText = message.parts
    .filter((p) => p.type === "text")
    .map((p) => p.text)
    .join("");
  const citations = message.parts.findLast((p) => p.type === "data-citations")?.data;
  const score = message.parts.findLast((p) => p.type === "data-fcs")?.data.score;
  const info = message.parts.findLast((p) => p.type === "data-chat-info")?.data;
  const hasError = failed || message.parts.some((p) => p.type === "data-error");

  // Sources numbered 1…n as the answer first cites them, its markers renumbered to
  // match: as it streams and when it is loaded again, from the text and the results.
  const { text, cited, related } = useMemo(
    () => numberSources(rawText, citations ?? []),
    [rawText, citations],
  );

  const onCitationClick = useCallback((index: number) => {
    setActive(index);
  }, []);
  const onOpenPassage = useCallback((citation: Citation, numbered: boolean) => {
    setPassage({ citation, numbered });
  }, []);

  if (message.metadata?.enabled === false) {
    return (
      <div data-testid="message-assistant" data-status="removed">
        <RemovedTurn />
      </div>
    );
  }

  const status = streaming
    ? "streaming"
    : stopped || message.metadata?.status === "stopped"
      ? "stopped"
      : hasError
        ? "error"
        : "complete";
  const turnId = info?.turnId ?? message.metadata?.turnId;
  const chatId = info?.chatId ?? message.metadata?.chatId;

  return (
    <div
      data-testid="message-assistant"
      data-status={status}
      className="flex gap-3"
      aria-busy={streaming || undefined}
    >
      <Avatar />
      <div className="min-w-0 flex-1">
        {text ? (
          <LazyAnswerMarkdown
            text={text}
            citations={cited}
            onCitationClick={onCitationClick}
            activeCitation={active ?? undefined}
          />
        ) : status === "complete" ? (
          <p className="text-muted italic">No answer was generated.</p>
        ) : null}
        {streaming && text && <span aria-hidden="true" className="stream-caret" />}

        {status === "stopped" && (
          <div className="mt-2 flex flex-wrap items-center gap-2">
            <p
              data-testid="answer-stopped"
              className="inline-flex items-center gap-1.5 rounded-md bg-surface-muted px-2 py-1 text-muted text-xs"
            >
              {text ? "Stopped — this answer is incomplete." : "Stopped before the answer began."}
            </p>
            {onRegenerate && (
              <Button variant="outline" data-testid="regenerate-button" onClick={onRegenerate}>
                <RetryIcon className="size-3.5" />
                Regenerate
              </Button>
            )}
          </div>
        )}

        {!streaming && (status === "complete" || cited.length > 0) && (
          <AnswerExtras
            status={status}
            score={score}
            cited={cited}
            related={related}
            activeIndex={active}
            onOpenPassage={onOpenPassage}
            idPrefix={idPrefix}
            text={text}
            chatId={chatId}
            turnId={turnId}
            feedback={message.metadata?.feedback ?? null}
          />
        )}
      </div>
      {passage && (
        <LazyPassageDrawer
          citation={passage.citation}
          numbered={passage.numbered}
          onClose={() => setPassage(null)}
        />
      )}
    </div>
  );
}

function Avatar() {
  return (
    <span
      aria-hidden="true"
      className="mt-0.5 grid size-8 shrink-0 place-items-center rounded-lg bg-brand-soft text-brand max-sm:hidden"
    >
      <svg
        aria-hidden="true"
        viewBox="0 0 24 24"
        className="size-4"
        fill="none"
        stroke="currentColor"
        strokeWidth="2"
      >
        <path
          d="M4 6.5A2.5 2.5 0 0 1 6.5 4h11A2.5 2.5 0 0 1 20 6.5v7a2.5 2.5 0 0 1-2.5 2.5H10l-4.5 4v-4h0A1.5 1.5 0 0 1 4 14.5z"
          strokeLinejoin="round"
        />
      </svg>
    </span>
  );
}
