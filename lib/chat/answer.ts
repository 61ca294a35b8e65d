import "server-only";
import type { UIMessageStreamWriter } from "ai";
import type { AppError } from "@/lib/http/errors";
import { toAppError } from "@/lib/http/upstream-errors";
import { errorFields, getLogger } from "@/lib/observability/log";
import { getMetrics } from "@/lib/observability/metrics";
import type { ChatStreamEvent, VectaraClient } from "@/lib/vectara";
import { toCitations } from "./citations";
import { citedIndexes } from "./cited";
import type { ChatMessage, Citation, TurnStatus } from "./messages";
import { type Pacer, WORDS_PER_PIECE, wordPieces } from "./pace";
import { buildChatRequest } from "./request";

/** One `data-citations` part per answer: written with the results, replaced if none is cited. */
const CITATIONS_ID = "citations";

/** What one answer turned out to be, gathered while it streams; persisted when it ends. */
export interface AnswerRecord {
  chatId?: string;
  turnId?: string;
  answer: string;
  citations: Citation[];
  fcs?: number;
  rephrasedQuery?: string;
  status: TurnStatus;
  error?: AppError;
  /** Milliseconds from `startedAt` to the first token, and to the end. */
  firstTokenMs?: number;
  totalMs?: number;
}

/**
 * Opens Vectara's event stream for a new chat (`chatId` unset) or a new turn. Errors
 * before the first event (a missing chat, a refused request, an unreachable
 * upstream) are thrown here, so the route can answer them with a proper status.
 */
export function openAnswerStream({
  client,
  chatId,
  query,
  corpusKey,
  signal,
}: {
  client: VectaraClient;
  chatId?: string;
  query: string;
  corpusKey: string;
  signal: AbortSignal;
}): Promise<AsyncIterable<ChatStreamEvent>> {
  const body = buildChatRequest({ query, corpusKey });
  return chatId
    ? client.turns.createStream(chatId, body, { signal })
    : client.chats.createStream(body, { signal });
}

/** What is known of a turn when Vectara names it (`chat_info`), before its answer streams. */
export interface ChatInfo {
  chatId: string;
  turnId: string;
  /** The search results the answer will cite, as `data-citations` carries them. */
  citations: Citation[];
}

/**
 * How long a question the visitor stopped before its chat was named waits for Vectara's
 * `chat_info`, so that the question is stored in its chat (as stopped) rather than lost.
 */
export const STOPPED_CLAIM_WAIT_MS = 15_000;

/**
 * Vectara's events → typed UI message parts. `generation_chunk` becomes text deltas,
 * `search_results` the `data-citations` part, `chat_info` `data-chat-info` (plus
 * message metadata), the score `data-fcs`. A failure mid-stream becomes a
 * `data-error` part and an `error` chunk; the partial answer stays.
 *
 * `onChatInfo` runs when the chat and turn ids arrive, and is awaited before anything
 * further is written (the route stores the visitor's ownership there, so that it is on
 * disk before the visitor sees the chat id or a word of the answer). It must not throw:
 * an error from it fails the answer like a broken stream.
 *
 * When `signal` (the visitor's Stop, `answer-streams.ts`) aborts, the answer is stopped: nothing more is
 * written or recorded, the record keeps exactly the text written before, and
 * `stopUpstream` ends Vectara's stream. A question stopped before its chat and turn were
 * named waits for them first (up to `STOPPED_CLAIM_WAIT_MS`), so that `onChatInfo`
 * still stores it: what the visitor stopped stays, as stopped.
 *
 * `pacer` spaces the text to a readable rate (`pace.ts`); it waits only when the words
 * come faster than that.
 */
export async function writeAnswer({
  events,
  writer,
  signal,
  stopUpstream,
  pacer,
  startedAt = performance.now(),
  onChatInfo,
}: {
  events: AsyncIterable<ChatStreamEvent>;
  writer: UIMessageStreamWriter<ChatMessage>;
  signal?: AbortSignal;
  /** Ends Vectara's stream (the route's AbortController for the upstream request). */
  stopUpstream?: () => void;
  pacer?: Pacer;
  /** `performance.now()` when the question arrived, for the turn's timings. */
  startedAt?: number;
  onChatInfo?: (info: ChatInfo) => Promise<void>;
}): Promise<AnswerRecord> {
  const record: AnswerRecord = { answer: "", citations: [], status: "complete" };
  const elapsed = () => Math.round(performance.now() - startedAt);
  const textId = "answer";
  let textOpen = false;
  // The score was for the whole answer; a stopped one has none.
  const stoppedRecord = (): AnswerRecord => ({ ...record, fcs: undefined, status: "stopped" });

  let claimWait: ReturnType<typeof setTimeout> | undefined;
  const onStop = () => {
    if (record.turnId) stopUpstream?.();
    else claimWait = setTimeout(() => stopUpstream?.(), STOPPED_CLAIM_WAIT_MS);
  };
  if (signal?.aborted) onStop();
  else signal?.addEventListener("abort", onStop, { once: true });
  const stopped = () => signal?.aborted === true;

  writer.write({ type: "start" });
  try {
    for await (const event of events) {
      switch (event.type) {
        case "search_results":
          record.citations = toCitations(event.searchResults);
          if (!stopped()) {
            writer.write({ type: "data-citations", id: CITATIONS_ID, data: record.citations });
          }
          break;
        case "chat_info":
          if (event.chatId && event.turnId) {
            record.chatId = event.chatId;
            record.turnId = event.turnId;
            await onChatInfo?.({
              chatId: event.chatId,
              turnId: event.turnId,
              citations: record.citations,
            });
            if (stopped()) {
              stopUpstream?.();
              return stoppedRecord();
            }
            writer.write({
              type: "data-chat-info",
              data: { chatId: event.chatId, turnId: event.turnId },
            });
            writer.write({
              type: "message-metadata",
              messageMetadata: { chatId: event.chatId, turnId: event.turnId },
            });
          }
          break;
        case "generation_chunk":
          if (stopped()) return stoppedRecord();
          for (const piece of pacer ? wordPieces(event.text) : [event.text]) {
            if (!piece) continue;
            await pacer?.wait(WORDS_PER_PIECE, signal);
            if (stopped()) return stoppedRecord();
            if (!textOpen) {
              writer.write({ type: "text-start", id: textId });
              textOpen = true;
              record.firstTokenMs = elapsed();
            }
            record.answer += piece;
            writer.write({ type: "text-delta", id: textId, delta: piece });
          }
          break;
        case "generation_info":
          record.rephrasedQuery = event.rephrasedQuery;
          if (event.rephrasedQuery !== undefined && !stopped()) {
            writer.write({
              type: "data-turn-info",
              data: { rephrasedQuery: event.rephrasedQuery },
            });
          }
          break;
        case "factual_consistency_score":
          record.fcs = event.score;
          if (!stopped()) writer.write({ type: "data-fcs", data: { score: event.score } });
          break;
        case "generation_end":
        case "end":
          break;
      }
    }
    if (stopped()) return stoppedRecord();
    if (textOpen) writer.write({ type: "text-end", id: textId });
    if (record.citations.length > 0 && citedIndexes(record.answer).length === 0) {
      // An answer that cites nothing (the knowledge base had no answer) shows no
      // sources: the results it was given are only the nearest, unrelated passages.
      record.citations = [];
      writer.write({ type: "data-citations", id: CITATIONS_ID, data: [] });
    }
    record.totalMs = elapsed();
    writer.write({ type: "message-metadata", messageMetadata: { status: "complete" } });
    writer.write({ type: "finish" });
    return record;
  } catch (error) {
    if (stopped()) return stoppedRecord();
    const chatError = toAppError(error, { audience: "visitor", midStream: true });
    getLogger().warn({ code: chatError.code, ...errorFields(error) }, "answer failed");
    if (textOpen) writer.write({ type: "text-end", id: textId });
    writer.write({ type: "data-error", data: chatError.toPayload() });
    writer.write({ type: "message-metadata", messageMetadata: { status: "error" } });
    writer.write({ type: "error", errorText: chatError.message });
    return { ...record, status: "error", error: chatError };
  } finally {
    clearTimeout(claimWait);
    signal?.removeEventListener("abort", onStop);
  }
}

/**
 * The answer's timings into the metrics: time to the first word for any answer that
 * had one, the total for complete answers only (a stopped or failed one says nothing
 * about how long answers take).
 */
export function observeAnswerTimes(record: AnswerRecord): void {
  const { chatFirstToken, chatTotal } = getMetrics();
  if (record.firstTokenMs !== undefined) chatFirstToken.observe(record.firstTokenMs / 1000);
  if (record.status === "complete" && record.totalMs !== undefined) {
    chatTotal.observe(record.totalMs / 1000);
  }
}
