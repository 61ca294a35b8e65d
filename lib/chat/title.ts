import { smallTalkOf } from "@/lib/engine/core/generation/smalltalk";

/**
 * A conversation's title in the visitor's history: its first real question. "hi" or
 * "thanks" names nothing, so a chat that opened with small talk takes the title of the
 * first question that follows. Small talk is the engine's own definition (a pure
 * function of its core, the same one its extractive generator answers small talk with);
 * a request for a person is a real question.
 */

const TITLE_MAX = 120;

/** One line, at most 120 characters, cut at a word with an ellipsis. */
export function toTitle(query: string): string {
  const line = query.replace(/\s+/g, " ").trim();
  return line.length <= TITLE_MAX ? line : `${line.slice(0, TITLE_MAX - 1).trimEnd()}…`;
}

/** Whether a message says what the conversation is about (not a greeting, thanks or goodbye). */
export function namesTheConversation(message: string): boolean {
  const kind = smallTalkOf(message);
  return kind === undefined || kind === "human";
}

/**
 * The title a chat titled `current` should have after the visitor asks `query`: the
 * query's when the current title is small talk and the query is not; else the current.
 */
export function nextTitle(current: string, query: string): string {
  return !namesTheConversation(current) && namesTheConversation(query) ? toTitle(query) : current;
}
