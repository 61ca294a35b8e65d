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

export type { AnswerMarkdownProps };
