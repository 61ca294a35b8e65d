import "server-only";
import type { UIMessageChunk, UIMessageStreamWriter } from "ai";
import {
  type AnswerStream,
  type AnswerStreamStatus,
  appendAnswerBatch,
  createAnswerStream,
  endAnswerStream,
  findLiveAnswerStream,
  getAnswerStream,
  getAppDb,
  hasStoppingAnswerStream,
  readAnswerBatches,
  requestAnswerStreamStop,
  STALE_STREAM_MS,
  touchAnswerStream,
} from "@/lib/db";
import { trackInFlight } from "@/lib/http/shutdown";
import { errorFields, getLogger } from "@/lib/observability/log";
import type { ChatMessage } from "./messages";

/**
 * Answers that survive a reload. An answer is generated apart from the request that asked
 * for it: the asking request receives it live while it is connected, and its chunks go to
 * the app DB (`lib/db/answer-streams.ts`) in batches, so that any instance can replay it
 * to a reloaded page (`followAnswerStream`). A dropped connection does not stop the
 * answer; only the visitor's Stop does (`stopAnswerStream`), on whichever instance
 * generates it: in-process at once, and through the stream's `stop_requested` flag,
 * which the generating instance reads as it flushes.
 *
 * Before Vectara names the chat and turn there is no stream to store (nothing a page
 * could resume): a request that ends then stops its answer, as it always did.
 */

/** A batch goes to the database every FLUSH_MS, or at once when it holds FLUSH_CHUNKS. */
const FLUSH_MS = 100;
const FLUSH_CHUNKS = 32;
/** With nothing to flush, the generator still reads the stop flag this often. */
const STOP_CHECK_MS = 500;
/** A follower on another instance reads the database this often. */
const FOLLOW_POLL_MS = 250;
/** A follower gives up after this long (an answer takes seconds; a dead one never ends). */
const FOLLOW_MAX_MS = 10 * 60 * 1000;
/** Batches a follower reads per query. */
const FOLLOW_BATCHES = 50;

/** What one instance knows of the answers it generates: how to stop them, who follows. */
interface LocalRun {
  stop(): void;
  /** Followers on this instance, woken when a batch is stored. */
  waiters: Set<() => void>;
}

// On globalThis: Next bundles this module more than once per process (the chat route,
// the stop route, the replay route), and they must share the registry.
const shared = globalThis as typeof globalThis & { __parleyAnswerRuns?: Map<string, LocalRun> };
shared.__parleyAnswerRuns ??= new Map();
const localRuns = shared.__parleyAnswerRuns;

/** What `generate` is given: the writer, the Stop signal, and how to name the stream. */
export interface AnswerRun {
  writer: UIMessageStreamWriter<ChatMessage>;
  /** Aborts when the visitor stops the answer (or leaves before its chat was named). */
  signal: AbortSignal;
  /**
   * The answer's chat and turn are known: from now on its chunks (those written before
   * too) are stored under the turn id, and a dropped connection no longer stops it.
   * Awaited before anything else is written, so a page reloaded after the visitor saw
   * the chat id finds the stream.
   */
  named(ids: { chatId: string; turnId: string }): Promise<void>;
}

/**
 * Runs `generate` detached from `requestSignal`, and returns the live stream of its chunks
 * for the asking request. `generate` resolves to how the answer ended; the stream ends
 * with it. Nothing it throws escapes: it is logged, and the stream ends as failed.
 */
export function detachAnswer({
  ownerId,
  requestSignal,
  generate,
}: {
  ownerId: string;
  requestSignal: AbortSignal;
  generate: (run: AnswerRun) => Promise<Exclude<AnswerStreamStatus, "active" | "truncated">>;
}): ReadableStream<UIMessageChunk> {
  const stop = new AbortController();
  let live: ReadableStreamDefaultController<UIMessageChunk> | undefined;
  let streamId: string | undefined;
  let storing = true;
  let pending: UIMessageChunk[] = [];
  let flushing: Promise<void> = Promise.resolve();
  let lastContact = 0;
  let timer: ReturnType<typeof setInterval> | undefined;
  const waiters = new Set<() => void>();

  const send = (chunk: UIMessageChunk) => {
    try {
      live?.enqueue(chunk);
    } catch {
      live = undefined; // the visitor's request is gone; the answer goes on
    }
  };
  const closeLive = () => {
    try {
      live?.close();
    } catch {
      // already closed or cancelled
    }
    live = undefined;
  };

  /** Stores what is pending (one batch), reads the stop flag; one flush at a time. */
  const flush = (): Promise<void> => {
    flushing = flushing.then(async () => {
      if (!streamId || !storing) return;
      const id = streamId;
      const chunks = pending;
      pending = [];
      const now = Date.now();
      try {
        const db = await getAppDb();
        let stopRequested: boolean;
        if (chunks.length > 0) {
          const appended = await appendAnswerBatch({ db, streamId: id, chunks, now });
          stopRequested = appended.stopRequested;
          if (!appended.stored) {
            // Too large to keep (or no longer active): later chunks go live only.
            storing = false;
            await endAnswerStream({ db, streamId: id, status: "truncated", now });
            getLogger().warn({ streamId: id }, "answer stream not stored in full");
          }
          for (const wake of waiters) wake();
        } else {
          stopRequested =
            (await touchAnswerStream({ db, streamId: id, now }))?.stopRequested ?? false;
        }
        lastContact = now;
        if (stopRequested) stop.abort();
      } catch (error) {
        storing = false;
        getLogger().error(errorFields(error), "could not store the answer's stream");
      }
    });
    return flushing;
  };

  const writer: UIMessageStreamWriter<ChatMessage> = {
    write(chunk) {
      send(chunk as UIMessageChunk);
      if (!storing) return;
      pending.push(chunk as UIMessageChunk);
      if (streamId && pending.length >= FLUSH_CHUNKS) void flush();
    },
    merge() {
      throw new Error("an answer's writer does not merge streams");
    },
    onError: undefined,
  };

  // Before the chat is named, the visitor leaving stops the answer (nothing could resume it).
  const onRequestEnd = () => {
    if (!streamId) stop.abort();
  };
  if (requestSignal.aborted) onRequestEnd();
  else requestSignal.addEventListener("abort", onRequestEnd, { once: true });

  const named: AnswerRun["named"] = async ({ chatId, turnId }) => {
    try {
      await createAnswerStream({
        db: await getAppDb(),
        streamId: turnId,
        chatId,
        ownerId,
        now: Date.now(),
      });
    } catch (error) {
      storing = false;
      getLogger().error(errorFields(error), "could not open the answer's stream");
    }
    streamId = turnId;
    lastContact = Date.now();
    localRuns.set(turnId, { stop: () => stop.abort(), waiters });
    requestSignal.removeEventListener("abort", onRequestEnd);
    timer = setInterval(() => {
      if (pending.length > 0 || Date.now() - lastContact >= STOP_CHECK_MS) void flush();
    }, FLUSH_MS);
    timer.unref?.();
  };

  const run = async () => {
    let status: Exclude<AnswerStreamStatus, "active"> = "error";
    try {
      status = await generate({ writer, signal: stop.signal, named });
    } catch (error) {
      getLogger().error(errorFields(error), "an answer failed outside its stream");
    } finally {
      clearInterval(timer);
      requestSignal.removeEventListener("abort", onRequestEnd);
      await flush();
      if (streamId) {
        const id = streamId;
        await getAppDb()
          .then((db) => endAnswerStream({ db, streamId: id, status, now: Date.now() }))
          .catch((error: unknown) =>
            getLogger().error(errorFields(error), "could not end the answer's stream"),
          );
        localRuns.delete(streamId);
        for (const wake of waiters) wake();
      }
      closeLive();
    }
  };

  return new ReadableStream<UIMessageChunk>({
    start(controller) {
      live = controller;
      // A graceful shutdown lets it finish, whether or not its visitor is still connected.
      trackInFlight(run());
    },
    cancel() {
      live = undefined;
    },
  });
}

/**
 * The visitor stopped the answer of `turnId`: its generator stops, here at once or on
 * the instance that runs it at its next flush. False when there is no such stream.
 */
export async function stopAnswerStream({
  chatId,
  turnId,
}: {
  chatId: string;
  turnId: string;
}): Promise<boolean> {
  const flagged = await requestAnswerStreamStop({ db: await getAppDb(), streamId: turnId, chatId });
  localRuns.get(turnId)?.stop();
  return flagged;
}

/** The answer still being generated in the visitor's chat, if any (its turn id). */
/** How long a page waits, at most, for a stopped answer to be stored (see `settleStoppedAnswer`). */
const SETTLE_STOP_MS = STALE_STREAM_MS;
const SETTLE_POLL_MS = 100;

/**
 * Waits until an answer the visitor has just stopped is stored as stopped, when its Stop has
 * not yet reached the instance generating it (on another instance, at its next flush, within
 * about 0.5 s). Until then the stored turn has no text: a page rendered in that window showed
 * the stopped answer empty. Bounded by the dead-stream rule (`STALE_STREAM_MS`); returns at
 * once when no Stop is on its way.
 */
export async function settleStoppedAnswer({
  visitorId,
  chatId,
}: {
  visitorId: string;
  chatId: string;
}): Promise<void> {
  const db = await getAppDb();
  const deadline = Date.now() + SETTLE_STOP_MS;
  while (await hasStoppingAnswerStream({ db, chatId, ownerId: visitorId, now: Date.now() })) {
    if (Date.now() >= deadline) return;
    await new Promise((resolve) => setTimeout(resolve, SETTLE_POLL_MS));
  }
}

export async function findLiveAnswer({
  visitorId,
  chatId,
}: {
  visitorId: string;
  chatId: string;
}): Promise<AnswerStream | undefined> {
  return findLiveAnswerStream({
    db: await getAppDb(),
    chatId,
    ownerId: visitorId,
    now: Date.now(),
  });
}

/**
 * The stream a reloaded page resumes: the one of `turnId` when named (the page was
 * rendered while it streamed: it is replayed even if it ended since, unless stopped),
 * else the chat's live one. Undefined when there is nothing to resume.
 */
export async function findResumableAnswer({
  visitorId,
  chatId,
  turnId,
}: {
  visitorId: string;
  chatId: string;
  turnId?: string;
}): Promise<AnswerStream | undefined> {
  if (!turnId) return findLiveAnswer({ visitorId, chatId });
  const stream = await getAnswerStream({
    db: await getAppDb(),
    streamId: turnId,
    chatId,
    ownerId: visitorId,
  });
  if (!stream || stream.stopRequested) return undefined;
  return stream.status === "stopped" || stream.status === "truncated" ? undefined : stream;
}

/**
 * Replays a stored answer from its first chunk and follows it to its end (its `finish`
 * chunk, or the stream ending), reading the database every `FOLLOW_POLL_MS` (woken at
 * once by a generator on this instance), for `FOLLOW_MAX_MS` at most, until `signal`
 * (the follower's request) aborts.
 */
export function followAnswerStream({
  stream,
  signal,
}: {
  stream: AnswerStream;
  signal: AbortSignal;
}): ReadableStream<UIMessageChunk> {
  const { streamId, chatId, ownerId } = stream;
  const gone = new AbortController();
  const onAbort = () => gone.abort();
  signal.addEventListener("abort", onAbort, { once: true });
  const deadline = Date.now() + FOLLOW_MAX_MS;
  let seq = 0;
  const end = (controller: ReadableStreamDefaultController<UIMessageChunk>) => {
    signal.removeEventListener("abort", onAbort);
    controller.close();
  };

  return new ReadableStream<UIMessageChunk>({
    async pull(controller) {
      const db = await getAppDb();
      for (;;) {
        if (gone.signal.aborted || Date.now() > deadline) return end(controller);
        // The status first: a stream that had ended then has all its batches stored.
        const state = await getAnswerStream({ db, streamId, chatId, ownerId });
        const batches = await readAnswerBatches({
          db,
          streamId,
          fromSeq: seq,
          limit: FOLLOW_BATCHES,
        });
        if (batches.length > 0) {
          for (const batch of batches) {
            for (const chunk of batch.chunks as UIMessageChunk[]) {
              controller.enqueue(chunk);
              if (chunk.type === "finish") return end(controller);
            }
            seq = batch.seq + 1;
          }
          return;
        }
        const dead = state !== undefined && state.updatedAt < Date.now() - STALE_STREAM_MS;
        if (!state || state.status !== "active" || dead) {
          // Ended without its own last word (stopped, cut, its instance gone): the page
          // shows what came as incomplete, not as a whole answer.
          if (state?.status !== "complete" && state?.status !== "error") {
            controller.enqueue({
              type: "message-metadata",
              messageMetadata: { status: "stopped" },
            });
          }
          return end(controller);
        }
        await nextBatch(streamId, gone.signal);
      }
    },
    cancel() {
      gone.abort();
      signal.removeEventListener("abort", onAbort);
    },
  });
}

/** Waits for the next poll, or less when this instance's generator stores a batch. */
function nextBatch(streamId: string, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const waiters = localRuns.get(streamId)?.waiters;
    const done = () => {
      clearTimeout(timer);
      waiters?.delete(done);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, FOLLOW_POLL_MS);
    waiters?.add(done);
    signal.addEventListener("abort", done, { once: true });
  });
}
