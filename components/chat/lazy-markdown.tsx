"use client";

import dynamic from "next/dynamic";
import { createContext, useContext } from "react";
import type { AnswerMarkdownProps } from "./markdown";

// next/dynamic's `loading` gets no props, so the text reaches it through context.
const PendingText = createContext("");

function PlainAnswer() {
  const text = useContext(PendingText);
  return (
    <div
      data-testid="answer-plain"
      className="whitespace-pre-wrap break-words text-[0.9375rem] leading-7"
    >
      {text}
    </div>
  );
}

const AnswerMarkdown = dynamic<AnswerMarkdownProps>(
  () => import("./markdown").then((m) => m.AnswerMarkdown),
  { ssr: true, loading: PlainAnswer },
);

/**
 * react-markdown + remark-gfm live in their own chunk, off the home page's first
 * load. Until the chunk arrives, the answer shows as plain text with its line
 * breaks, so a streaming answer is readable from the first token.
 */
export function LazyAnswerMarkdown(props: AnswerMarkdownProps) {
  return (
    <PendingText value={props.text}>
      <AnswerMarkdown {...props} />
    </PendingText>
  );
}

let warmed = false;

/**
 * Fetches the answer's chunks (the Markdown renderer, the badge and source cards) while the
 * visitor types the question, so the answer renders formatted from its first words rather
 * than as plain text that reflows when the chunk arrives. Not in the page's first load: it
 * starts on the first keystroke.
 */
export function warmAnswerChunks(): void {
  if (warmed) return;
  warmed = true;
  void import("./markdown").catch(() => (warmed = false));
  void import("./answer-extras").catch(() => (warmed = false));
}

export type { AnswerMarkdownProps };
