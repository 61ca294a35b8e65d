import "server-only";
import { z } from "zod";
import { getConfig } from "@/lib/config";
import {
  deleteChatByChatId,
  getAppDb,
  getChatByChatId,
  hitRateLimitByKey,
  listChatsByOwnerId,
  listFeedbackByChatId,
  listTurnsByChatId,
  saveTurnByTurnId,
  setFeedbackByTurnId,
  upsertChatByChatId,
} from "@/lib/db";
import { addressLimitKey } from "@/lib/http/client-address";
import { NotFoundError, type Turn } from "@/lib/vectara";
import type { AnswerRecord } from "./answer";
import { citationSchema } from "./citations";
import { ChatError } from "./errors";
import type { ChatHistoryPage, ChatMessage, ChatMessageMetadata, Citation } from "./messages";
import { getVectaraClient } from "./vectara";

/**
 * A visitor's conversations: who owns which Vectara chat, what each turn cited and
 * scored as it streamed, and the visitor's feedback. Vectara holds the chats and
 * turns themselves; the app DB holds what Vectara does not.
 */

const TITLE_MAX = 120;

/** The chat when `visitorId` owns it; undefined otherwise (a stranger's chat looks missing). */
export async function getOwnedChat({ visitorId, chatId }: { visitorId: string; chatId: string }) {
  const db = await getAppDb();
  const chat = await getChatByChatId({ db, chatId });
  return chat && chat.ownerId === visitorId ? chat : undefined;
}

/**
 * Counts one question against the visitor's per-minute budget and against the client
 * address's (so that dropping the cookie gains nothing); a ChatError when either is spent.
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
}): Promise<ChatError | undefined> {
  const db = await getAppDb();
  const config = getConfig();
  const limits = [
    { key: `chat:${visitorId}`, limit: config.chatRateLimitPerMinute },
    { key: `chat-ip:${addressLimitKey(address)}`, limit: config.chatRateLimitPerIpPerMinute },
  ];
  let waitMs = 0;
  for (const { key, limit } of limits) {
    const { allowed, retryAfterMs } = await hitRateLimitByKey({
      db,
      key,
      limit,
      windowMs: 60_000,
      now,
    });
    if (!allowed) waitMs = Math.max(waitMs, retryAfterMs);
  }
  if (waitMs === 0) return undefined;
  const seconds = Math.max(1, Math.ceil(waitMs / 1000));
  return new ChatError(
    "rate_limit:chat",
    `You're sending questions faster than Parley can answer them. Please wait ${seconds} second${seconds === 1 ? "" : "s"} and try again.`,
    { retryAfter: seconds },
  );
}

/** Stores a finished answer: the chat's owner (on its first turn) and what the turn cited and scored. */
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
  // Only turns Vectara stored are recorded; a stopped or failed answer has no turn to annotate.
  if (record.status !== "complete" || !record.chatId || !record.turnId) return;
  const { chatId, turnId } = record;
  const db = await getAppDb();
  await db.transaction(async (tx) => {
    await upsertChatByChatId({ db: tx, chatId, ownerId: visitorId, title: toTitle(query), now });
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

function toTitle(query: string): string {
  const line = query.replace(/\s+/g, " ").trim();
  return line.length <= TITLE_MAX ? line : `${line.slice(0, TITLE_MAX - 1).trimEnd()}…`;
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
  const page = await listChatsByOwnerId({ db, ownerId: visitorId, limit, cursor });
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
  visitorId,
  chatId,
}: {
  visitorId: string;
  chatId: string;
}): Promise<boolean> {
  if (!(await getOwnedChat({ visitorId, chatId }))) return false;
  try {
    await getVectaraClient().chats.delete(chatId);
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
 * citations, score and feedback Parley stored beside them. Undefined when the
 * visitor does not own the chat or Vectara no longer has it.
 */
export async function loadConversation({
  visitorId,
  chatId,
}: {
  visitorId: string;
  chatId: string;
}): Promise<ChatMessage[] | undefined> {
  if (!(await getOwnedChat({ visitorId, chatId }))) return undefined;
  const turns: Turn[] = [];
  try {
    for await (const turn of await getVectaraClient().turns.list(chatId, { limit: 100 })) {
      turns.push(turn);
    }
  } catch (error) {
    if (error instanceof NotFoundError) return undefined;
    throw error;
  }
  const db = await getAppDb();
  const stored = new Map((await listTurnsByChatId({ db, chatId })).map((t) => [t.turnId, t]));
  const feedback = new Map((await listFeedbackByChatId({ db, chatId })).map((f) => [f.turnId, f]));

  return turns.flatMap((turn): ChatMessage[] => {
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
  });
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
