import "server-only";
import { z } from "zod";
import { getConfig } from "@/lib/config";
import {
  type Chat,
  deleteChatByChatId,
  deleteTurnByTurnId,
  getAppDb,
  getChatByChatId,
  hitRateLimitByKey,
  InvalidCursorError,
  listChatsByOwnerId,
  listFeedbackByChatId,
  listTurnsByChatId,
  retitleChatByChatId,
  type SqlDriver,
  type Turn as StoredTurn,
  saveTurnByTurnId,
  setFeedbackByTurnId,
  stopTurnByTurnId,
  upsertChatByChatId,
} from "@/lib/db";
import { addressLimitKey } from "@/lib/http/client-address";
import { AppError } from "@/lib/http/errors";
import { getMetrics } from "@/lib/observability/metrics";
import { NotFoundError, type Turn, type VectaraClient } from "@/lib/vectara";
import type { AnswerRecord } from "./answer";
import { stopAnswerStream } from "./answer-streams";
import { citationSchema } from "./citations";
import type { ChatHistoryPage, ChatMessage, ChatMessageMetadata, Citation } from "./messages";
import { nextTitle, toTitle } from "./title";

/**
 * A visitor's conversations: who owns which Vectara chat, what each turn cited and
 * scored as it streamed, and the visitor's feedback. Vectara holds the chats and
 * turns themselves; the app DB holds what Vectara does not.
 */

/** The chat when `visitorId` owns it; undefined otherwise (a stranger's chat looks missing). */
export async function getOwnedChat({ visitorId, chatId }: { visitorId: string; chatId: string }) {
  const db = await getAppDb();
  const chat = await getChatByChatId({ db, chatId });
  return chat && chat.ownerId === visitorId ? chat : undefined;
}

/**
 * Counts one question against the visitor's per-minute budget and against the client
 * address's (so that dropping the cookie gains nothing); an AppError when either is spent.
 */
export async function checkChatRateLimit({
  visitorId,
  address,
  now = Date.now(),
}: {
  visitorId: string;
  /** The client's address (`requestClientAddress`). */
  address: string;
  now?: number;
}): Promise<AppError | undefined> {
  const db = await getAppDb();
  const config = getConfig();
  const limits = [
    { key: `chat:${visitorId}`, limit: config.chatRateLimitPerMinute, name: "visitor" },
    {
      key: `chat-ip:${addressLimitKey(address)}`,
      limit: config.chatRateLimitPerIpPerMinute,
      name: "address",
    },
  ];
  let waitMs = 0;
  for (const { key, limit, name } of limits) {
    const { allowed, retryAfterMs } = await hitRateLimitByKey({
      db,
      key,
      limit,
      windowMs: 60_000,
      now,
    });
    if (!allowed) {
      waitMs = Math.max(waitMs, retryAfterMs);
      getMetrics().rateLimited.inc({ limit: name });
    }
  }
  if (waitMs === 0) return undefined;
  const seconds = Math.max(1, Math.ceil(waitMs / 1000));
  return new AppError(
    "rate_limit:chat",
    `You're sending questions faster than Parley can answer them. Please wait ${seconds} second${seconds === 1 ? "" : "s"} and try again.`,
    { retryAfter: seconds },
  );
}

/**
 * Stores the visitor's ownership of a chat the moment its id is known (Vectara's
 * `chat_info`, before the answer streams), with the turn as pending: its question and
 * the results it will cite, status "stopped" and no answer until `recordAnswer`
 * completes it. If the server dies mid-answer, that is what the turn stays: the visitor
 * still owns the chat, and `loadConversation` shows the question as interrupted.
 *
 * A new chat's row is created with the owner and title; an existing chat keeps both
 * (only `updated_at` moves, as any turn does). False, and nothing stored, when the chat
 * belongs to someone else (never for a chat the route just checked or Vectara just made).
 */
export async function claimChat({
  visitorId,
  chatId,
  turnId,
  query,
  citations = [],
  now = Date.now(),
}: {
  visitorId: string;
  chatId: string;
  turnId: string;
  query: string;
  citations?: Citation[];
  now?: number;
}): Promise<boolean> {
  const db = await getAppDb();
  return db.transaction(async (tx) => {
    if (!(await ownChat(tx, { chatId, visitorId, query, now }))) return false;
    await saveTurnByTurnId({
      db: tx,
      turn: { turnId, chatId, query, answer: "", citations, status: "stopped", createdAt: now },
    });
    return true;
  });
}

/**
 * Completes the turn `claimChat` started: what the answer turned out to be (its text,
 * citations, score, rephrased query, timings and final status). A stopped or failed
 * answer is kept as such, with the part the visitor saw, so the thread shows it again
 * as incomplete. The chat's owner is stored again here (idempotent), in case the claim
 * itself could not be.
 */
export async function recordAnswer({
  visitorId,
  query,
  record,
  now = Date.now(),
}: {
  visitorId: string;
  query: string;
  record: AnswerRecord;
  now?: number;
}): Promise<void> {
  // An answer that never got its ids (refused or failed before `chat_info`) has no turn.
  if (!record.chatId || !record.turnId) return;
  const { chatId, turnId } = record;
  const db = await getAppDb();
  await db.transaction(async (tx) => {
    if (!(await ownChat(tx, { chatId, visitorId, query, now }))) return;
    await saveTurnByTurnId({
      db: tx,
      turn: {
        turnId,
        chatId,
        query,
        answer: record.answer,
        rephrasedQuery: record.rephrasedQuery,
        citations: record.citations,
        fcs: record.fcs,
        status: record.status,
        createdAt: now,
        firstTokenMs: record.firstTokenMs,
        totalMs: record.totalMs,
      },
    });
  });
}

/**
 * Stores `visitorId` as the chat's owner when the chat is new (titled by its first
 * question); false when someone else owns it, which nothing here may change. A chat
 * titled by small talk ("hi") takes the title of its first real question (`title.ts`).
 */
async function ownChat(
  tx: SqlDriver,
  {
    chatId,
    visitorId,
    query,
    now,
  }: { chatId: string; visitorId: string; query: string; now: number },
): Promise<boolean> {
  const chat = await upsertChatByChatId({
    db: tx,
    chatId,
    ownerId: visitorId,
    title: toTitle(query),
    now,
  });
  if (chat.ownerId !== visitorId) return false;
  const title = nextTitle(chat.title, query);
  if (title !== chat.title)
    await retitleChatByChatId({ db: tx, chatId, ownerId: visitorId, title });
  return true;
}

export async function listConversations({
  visitorId,
  cursor,
  limit = 30,
}: {
  visitorId: string;
  cursor?: string;
  limit?: number;
}): Promise<ChatHistoryPage> {
  const db = await getAppDb();
  const page = await listChatsByOwnerId({ db, ownerId: visitorId, limit, cursor }).catch(
    (error: unknown) => {
      if (!(error instanceof InvalidCursorError)) throw error;
      throw new AppError("bad_request:chat", "The history cursor is not valid.", {
        fieldErrors: { "query.cursor": "not a cursor this server issued" },
      });
    },
  );
  return {
    chats: page.chats.map((c) => ({
      chatId: c.chatId,
      title: c.title,
      createdAt: new Date(c.createdAt).toISOString(),
      updatedAt: new Date(c.updatedAt).toISOString(),
    })),
    nextCursor: page.nextCursor,
  };
}

/** Deletes the chat at Vectara (if it is still there) and everything Parley kept about it. */
export async function deleteConversation({
  client,
  visitorId,
  chatId,
}: {
  client: VectaraClient;
  visitorId: string;
  chatId: string;
}): Promise<boolean> {
  if (!(await getOwnedChat({ visitorId, chatId }))) return false;
  try {
    await client.chats.delete(chatId);
  } catch (error) {
    if (!(error instanceof NotFoundError)) throw error;
  }
  await deleteChatByChatId({ db: await getAppDb(), chatId });
  return true;
}

const storedCitations = z.array(citationSchema).catch([]);

/**
 * The thread of a chat the visitor owns, as `useChat` messages: Vectara's turns (all
 * of them, disabled ones included so the thread can show placeholders), with the
 * citations, score and feedback Parley stored beside them. A turn Parley recorded as
 * stopped or failed is shown as the visitor saw it (its partial answer, "stopped"),
 * even when Vectara finished and stored the whole answer after the visitor left. A question Parley recorded
 * whose answer never completed and that Vectara does not hold (the server died or the
 * visitor stopped mid-answer) is shown in its place, its answer marked "stopped"
 * (incomplete), so a chat the visitor owns opens even when Vectara has no turn in it yet.
 * Undefined when the visitor does not own the chat or Vectara no longer has it.
 */
export async function loadConversation({
  client,
  visitorId,
  chatId,
}: {
  client: VectaraClient;
  visitorId: string;
  chatId: string;
}): Promise<ChatMessage[] | undefined> {
  const chat = await getOwnedChat({ visitorId, chatId });
  return chat && loadThreadOfChat({ client, chat });
}

/**
 * `loadConversation`'s thread of a chat `getOwnedChat` returned: the caller holds the
 * ownership check's result (the conversation page reads it once for its title and its
 * content). Undefined when Vectara no longer has the chat.
 */
export async function loadThreadOfChat({
  client,
  chat: { chatId },
  pendingTurnId,
}: {
  client: VectaraClient;
  chat: Chat;
  /**
   * The turn whose answer is still being generated (`findLiveAnswer`): shown as its
   * question alone, for the page to resume the answer in its place.
   */
  pendingTurnId?: string;
}): Promise<ChatMessage[] | undefined> {
  const turns: Turn[] = [];
  try {
    for await (const turn of await client.turns.list(chatId, { limit: 100 })) {
      turns.push(turn);
    }
  } catch (error) {
    if (error instanceof NotFoundError) return undefined;
    throw error;
  }
  const db = await getAppDb();
  const rows = await listTurnsByChatId({ db, chatId });
  const stored = new Map(rows.map((t) => [t.turnId, t]));
  const feedback = new Map((await listFeedbackByChatId({ db, chatId })).map((f) => [f.turnId, f]));

  const fromVectara = (turn: Turn): ChatMessage[] => {
    if (turn.id === pendingTurnId) return questionOf(chatId, turn.id, turn.query);
    const annotations = stored.get(turn.id);
    const rated = feedback.get(turn.id);
    const metadata: ChatMessageMetadata = {
      chatId,
      turnId: turn.id,
      status: "complete",
      enabled: turn.enabled,
      feedback: rated
        ? {
            rating: rated.rating,
            reason: rated.reason ?? undefined,
            ...(rated.reported && { reported: true }),
          }
        : null,
      ...(turn.createdAt && { createdAt: turn.createdAt }),
    };
    if (!turn.enabled) {
      // A moderator removed this turn: neither the question nor the answer is shown again.
      return [{ id: `${turn.id}:assistant`, role: "assistant", metadata, parts: [] }];
    }
    // Stopped (or cut by a failure) as the visitor saw it, whatever Vectara went on to
    // store: the visitor is shown what they were shown, marked incomplete.
    if (annotations && annotations.status !== "complete")
      return interruptedTurn(chatId, annotations);
    const citations: Citation[] = storedCitations.parse(annotations?.citations ?? []);
    const parts: ChatMessage["parts"] = [
      { type: "data-chat-info", data: { chatId, turnId: turn.id } },
      { type: "data-citations", data: citations },
      { type: "text", text: turn.answer, state: "done" },
    ];
    if (annotations?.fcs !== undefined && annotations.fcs !== null) {
      parts.push({ type: "data-fcs", data: { score: annotations.fcs } });
    }
    return [
      {
        id: `${turn.id}:user`,
        role: "user",
        metadata: { chatId, turnId: turn.id },
        parts: [{ type: "text", text: turn.query }],
      },
      { id: `${turn.id}:assistant`, role: "assistant", metadata, parts },
    ];
  };

  // Parley's unfinished turns that Vectara never stored, each placed after the Vectara
  // turn Parley recorded before it (Parley's own order: no clocks are compared). A
  // complete turn Vectara no longer has was deleted there, and stays hidden.
  const atVectara = new Set(turns.map((t) => t.id));
  const unfinishedAfter = new Map<string | null, StoredTurn[]>();
  let previous: string | null = null;
  for (const row of rows) {
    if (atVectara.has(row.turnId)) previous = row.turnId;
    else if (row.status !== "complete") {
      unfinishedAfter.set(previous, [...(unfinishedAfter.get(previous) ?? []), row]);
    }
  }
  const unfinished = (after: string | null) =>
    (unfinishedAfter.get(after) ?? []).flatMap((row) =>
      row.turnId === pendingTurnId
        ? questionOf(chatId, row.turnId, row.query)
        : interruptedTurn(chatId, row),
    );

  return [...unfinished(null), ...turns.flatMap((t) => [...fromVectara(t), ...unfinished(t.id)])];
}

/** A question alone, its answer still being generated (the page resumes it). */
function questionOf(chatId: string, turnId: string, query: string): ChatMessage[] {
  return [
    {
      id: `${turnId}:user`,
      role: "user",
      metadata: { chatId, turnId },
      parts: [{ type: "text", text: query }],
    },
  ];
}

/** A question whose answer never completed: the question, and what came of the answer. */
function interruptedTurn(chatId: string, row: StoredTurn): ChatMessage[] {
  const parts: ChatMessage["parts"] = [
    { type: "data-chat-info", data: { chatId, turnId: row.turnId } },
    { type: "data-citations", data: storedCitations.parse(row.citations) },
  ];
  if (row.answer) parts.push({ type: "text", text: row.answer, state: "done" });
  return [
    {
      id: `${row.turnId}:user`,
      role: "user",
      metadata: { chatId, turnId: row.turnId },
      parts: [{ type: "text", text: row.query }],
    },
    {
      id: `${row.turnId}:assistant`,
      role: "assistant",
      metadata: {
        chatId,
        turnId: row.turnId,
        status: "stopped",
        feedback: null,
        createdAt: new Date(row.createdAt).toISOString(),
      },
      parts,
    },
  ];
}

/**
 * The visitor stopped an answer after seeing `shownChars` characters of it: the stored
 * turn is cut there and stays stopped (`stopTurnByTurnId`), however the answer's own
 * record races with this. False when the visitor does not own the chat or it has no
 * such turn.
 */
export async function stopAnswer({
  visitorId,
  chatId,
  turnId,
  shownChars,
}: {
  visitorId: string;
  chatId: string;
  turnId: string;
  shownChars: number;
}): Promise<boolean> {
  if (!(await getOwnedChat({ visitorId, chatId }))) return false;
  const stopped = await stopTurnByTurnId({ db: await getAppDb(), chatId, turnId, shownChars });
  // The answer may still be generated, here or on another instance: it stops too.
  await stopAnswerStream({ chatId, turnId });
  return stopped;
}

/**
 * Takes back a stopped or failed answer before it is asked again ("Regenerate"), so the
 * thread and Vectara's chat history hold the new answer only: the turn goes from Vectara
 * (if Vectara stored it) and from the app DB. Vectara deletes a chat with its last turn,
 * so when the answer is the chat's only one the whole conversation goes, and the question
 * is asked again in a new chat (`askIn: null`), which takes its place in the history.
 * Only the chat's last turn, and only an incomplete one: an AppError otherwise.
 */
export async function withdrawUnfinishedTurn({
  client,
  visitorId,
  chatId,
  turnId,
}: {
  client: VectaraClient;
  visitorId: string;
  chatId: string;
  turnId: string;
}): Promise<{ error: AppError } | { askIn: string | null }> {
  if (!(await getOwnedChat({ visitorId, chatId }))) {
    return { error: new AppError("not_found:chat", "This conversation does not exist.") };
  }
  const db = await getAppDb();
  const turns = await listTurnsByChatId({ db, chatId });
  const last = turns.at(-1);
  if (!last || last.turnId !== turnId) {
    return {
      error: new AppError(
        "bad_request:chat",
        "Only the last answer of a conversation can be regenerated.",
      ),
    };
  }
  if (last.status === "complete") {
    return {
      error: new AppError(
        "bad_request:chat",
        "This answer is complete: ask again to get a new one.",
      ),
    };
  }
  if (turns.length === 1) {
    await deleteConversation({ client, visitorId, chatId });
    return { askIn: null };
  }
  try {
    await client.turns.delete(chatId, turnId);
  } catch (error) {
    if (!(error instanceof NotFoundError)) throw error;
  }
  await deleteTurnByTurnId({ db, chatId, turnId });
  return { askIn: chatId };
}

export async function setTurnFeedback({
  visitorId,
  chatId,
  turnId,
  rating,
  reason,
  reported = false,
  now = Date.now(),
}: {
  visitorId: string;
  chatId: string;
  turnId: string;
  rating: "up" | "down" | null;
  reason?: string;
  /** The visitor asks the support team to look at this answer. */
  reported?: boolean;
  now?: number;
}): Promise<boolean> {
  if (!(await getOwnedChat({ visitorId, chatId }))) return false;
  const db = await getAppDb();
  const turns = await listTurnsByChatId({ db, chatId });
  if (!turns.some((t) => t.turnId === turnId)) return false;
  await setFeedbackByTurnId({
    db,
    turnId,
    chatId,
    ownerId: visitorId,
    rating,
    reason,
    reported: rating === "down" && reported,
    now,
  });
  return true;
}
