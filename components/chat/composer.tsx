"use client";

import { type FormEvent, type KeyboardEvent, useEffect, useRef, useState } from "react";
import { focusRing } from "@/components/ui/button";
import { SendIcon, StopIcon } from "@/components/ui/icons";
import { warmAnswerChunks } from "./lazy-markdown";

const MAX_CHARS = 4000;

/**
 * The question box. Enter sends, Shift+Enter adds a line; while an answer streams the
 * send button becomes Stop. The box empties only when a question is sent — a failed
 * question stays in the thread, where Retry resends it.
 */
export function Composer({
  busy,
  onSend,
  onStop,
  autoFocus,
}: {
  busy: boolean;
  onSend: (text: string) => void;
  onStop: () => void;
  autoFocus?: boolean;
}) {
  const [text, setText] = useState("");
  const ref = useRef<HTMLTextAreaElement>(null);
  const trimmed = text.trim();
  const tooLong = text.length > MAX_CHARS;

  // Grow with the text, up to a limit.
  // biome-ignore lint/correctness/useExhaustiveDependencies: re-measure when the text changes.
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    el.style.height = "auto";
    el.style.height = `${Math.min(el.scrollHeight, 200)}px`;
  }, [text]);

  const submit = (event?: FormEvent) => {
    event?.preventDefault();
    if (busy || !trimmed || tooLong) return;
    onSend(trimmed);
    setText("");
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === "Enter" && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      submit();
    }
  };

  return (
    <div className="shrink-0 border-border border-t bg-background/80 px-4 pt-3 pb-4 backdrop-blur sm:px-6">
      <form
        onSubmit={submit}
        className="mx-auto flex w-full max-w-3xl items-end gap-2 rounded-2xl border border-border bg-surface p-2 shadow-sm focus-within:border-brand/60 focus-within:ring-2 focus-within:ring-brand/20"
      >
        <label htmlFor="chat-input" className="sr-only">
          Your question
        </label>
        <textarea
          id="chat-input"
          ref={ref}
          data-testid="chat-input"
          rows={1}
          value={text}
          onChange={(e) => {
            setText(e.target.value);
            warmAnswerChunks();
          }}
          onKeyDown={onKeyDown}
          placeholder="Ask a question about Beacon…"
          // biome-ignore lint/a11y/noAutofocus: the question box is the page's one purpose.
          autoFocus={autoFocus}
          aria-invalid={tooLong || undefined}
          aria-describedby={tooLong ? "chat-input-too-long" : undefined}
          className="max-h-50 min-h-10 flex-1 resize-none bg-transparent px-2 py-2 text-base leading-6 outline-none placeholder:text-muted"
        />
        {busy ? (
          <button
            type="button"
            data-testid="stop-button"
            onClick={onStop}
            aria-label="Stop the answer"
            className={`grid size-10 shrink-0 place-items-center rounded-xl bg-foreground text-background transition-opacity hover:opacity-85 ${focusRing}`}
          >
            <StopIcon className="size-4" />
          </button>
        ) : (
          <button
            type="submit"
            data-testid="send-button"
            disabled={!trimmed || tooLong}
            aria-label="Send question"
            className={`grid size-10 shrink-0 place-items-center rounded-xl bg-brand text-brand-foreground shadow-sm transition-opacity hover:opacity-90 disabled:opacity-40 ${focusRing}`}
          >
            <SendIcon className="size-4.5" />
          </button>
        )}
      </form>
      <p className="mx-auto mt-2 max-w-3xl px-1 text-center text-muted text-xs">
        {tooLong ? (
          <span id="chat-input-too-long" className="text-danger">
            {text.length - MAX_CHARS} characters over the {MAX_CHARS}-character limit.
          </span>
        ) : (
          "Answers come from the knowledge base and can be wrong. Check the cited sources."
        )}
      </p>
    </div>
  );
}
