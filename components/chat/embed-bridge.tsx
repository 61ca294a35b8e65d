"use client";

import { createContext, useContext } from "react";

/**
 * What the chat tells, and takes from, the page that frames it: only inside the widget's
 * `/embed` (components/embed/embed-shell.tsx provides it); null on Parley's own pages.
 */
export interface EmbedBridge {
  /** An answer ended, for the host page's `answer` event. */
  answered(event: AnswerEvent): void;
  /**
   * The chat on screen takes the host's questions ("ask"): `ask` sends one and says
   * whether it did (not while an answer is streaming). Null when the chat goes away.
   */
  takeQuestions(ask: ((question: string) => boolean) | null): void;
}

export interface AnswerEvent {
  chatId: string;
  turnId: string;
  status: "complete" | "stopped" | "failed";
  /** How many sources the answer cites. */
  sources: number;
}

export const EmbedBridgeContext = createContext<EmbedBridge | null>(null);

export const useEmbedBridge = () => useContext(EmbedBridgeContext);
