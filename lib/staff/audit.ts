import "server-only";
import { randomUUID } from "node:crypto";
import { z } from "zod";
import type { StaffUser } from "@/lib/auth/staff";
import { chatIdSchema } from "@/lib/chat/ids";
import {
  type AuditEntry,
  addAuditEntry,
  getAppDb,
  InvalidAuditCursorError,
  listAuditEntries,
  listTurnsByChatId,
  type SqlDriver,
} from "@/lib/db";
import { AppError } from "@/lib/http/errors";
import { errorFields, getLogger } from "@/lib/observability/log";
import type { Turn, VectaraClient } from "@/lib/vectara";
import type { AuditedTurn, AuditLogEntry, ConversationState } from "./audit-format";

/**
 * Moderation and its audit log: disabling turns (recorded first, so nothing is
 * disabled unrecorded) and reading the log back in the words staff think in, turn
 * numbers and questions rather than turn ids.
 */

export type { AuditedTurn, AuditLogEntry, ConversationState } from "./audit-format";
export { InvalidAuditCursorError };

/**
 * What an entry's `prior_state` holds. `enabled` (each turn's flag before) is in every
 * entry; `turns` (each turn's position and question at the time) only in those written
 * since the log named turns, so an entry stays readable after its chat is deleted.
 */
const priorStateSchema = z.object({
  enabled: z.record(z.string(), z.boolean()).optional().catch(undefined),
  turns: z
    .array(z.object({ turnId: z.string(), number: z.number().int().positive(), query: z.string() }))
    .optional()
    .catch(undefined),
});

/** Matched by status as well as class: Next may bundle lib/vectara more than once. */
const isNotFound = (error: unknown): boolean =>
  error instanceof Error &&
  (error.name === "NotFoundError" || (error as { status?: unknown }).status === 404);

async function listAllTurns(client: VectaraClient, chatId: string): Promise<Turn[]> {
  const turns: Turn[] = [];
  for await (const turn of await client.turns.list(chatId, { limit: 100 })) turns.push(turn);
  return turns;
}

/**
 * Disables a turn and, by Vectara's rule, every later one: they leave the chat's
 * future context and the visitor sees placeholders. The audit entry, with each
 * affected turn's number and question, is written first and withdrawn if Vectara
 * refuses, so a disable never happens unrecorded.
 */
export async function disableTurnsFrom({
  actor,
  chatId,
  turnId,
  reason,
  client,
  now = Date.now(),
}: {
  actor: StaffUser;
  chatId: string;
  turnId: string;
  reason: string;
  client: VectaraClient;
  now?: number;
}): Promise<{ disabled: string[] }> {
  let turns: Turn[];
  try {
    turns = await listAllTurns(client, chatId);
  } catch (error) {
    if (isNotFound(error)) {
      throw new AppError("not_found:staff", "This conversation does not exist.");
    }
    throw error;
  }
  const at = turns.findIndex((t) => t.id === turnId);
  if (at === -1) throw new AppError("not_found:staff", "This turn is not in the conversation.");
  const affected = turns.slice(at);
  if (affected.every((t) => !t.enabled)) {
    throw new AppError("conflict:staff", "This turn and the ones after it are already disabled.");
  }
  const db = await getAppDb();
  const auditId = `aud_${randomUUID()}`;
  await addAuditEntry({
    db,
    entry: {
      auditId,
      actorId: actor.userId,
      actorEmail: actor.email,
      action: "disable_turns",
      chatId,
      turnIds: affected.map((t) => t.id),
      reason,
      priorState: {
        enabled: Object.fromEntries(affected.map((t) => [t.id, t.enabled])),
        turns: affected.map((t, i) => ({ turnId: t.id, number: at + i + 1, query: t.query })),
      },
      createdAt: now,
    },
  });
  try {
    await client.turns.update(chatId, turnId, { enabled: false });
  } catch (error) {
    await db.run("DELETE FROM audit_log WHERE audit_id = ?", [auditId]);
    throw error;
  }
  return { disabled: affected.filter((t) => t.enabled).map((t) => t.id) };
}

/** A conversation as it is now: whether it still exists, and its turns' numbers and questions. */
export interface ChatNow {
  state: ConversationState;
  turns: Map<string, { number: number; query: string }>;
}

const numbered = (turns: { id: string; query: string }[]) =>
  new Map(turns.map((t, i) => [t.id, { number: i + 1, query: t.query }]));

/**
 * Vectara's turn list is the truth. When Vectara no longer has the chat (or cannot be
 * asked), the turns Parley stored as they streamed stand in, numbered in their order.
 */
async function loadChatNow(client: VectaraClient, db: SqlDriver, chatId: string): Promise<ChatNow> {
  let state: ConversationState;
  try {
    return { state: "present", turns: numbered(await listAllTurns(client, chatId)) };
  } catch (error) {
    state = isNotFound(error) ? "deleted" : "unknown";
    if (state === "unknown") {
      getLogger().error(
        { chat_id: chatId, ...errorFields(error) },
        "the audit log could not read a chat",
      );
    }
  }
  const stored = await listTurnsByChatId({ db, chatId });
  return { state, turns: numbered(stored.map((t) => ({ id: t.turnId, query: t.query }))) };
}

/** Runs `work` on each item, at most `limit` at a time. */
async function eachLimited<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>) {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** An entry in staff words: what it recorded first, what the conversation says now second. */
export function toAuditLogEntry(entry: AuditEntry, now: ChatNow | undefined): AuditLogEntry {
  const prior = priorStateSchema.safeParse(entry.priorState);
  const enabled = prior.success ? prior.data.enabled : undefined;
  const recorded = new Map(
    (prior.success ? (prior.data.turns ?? []) : []).map((t) => [t.turnId, t]),
  );
  const turns: AuditedTurn[] = entry.turnIds.map((turnId) => {
    const known = recorded.get(turnId) ?? now?.turns.get(turnId);
    return {
      turnId,
      number: known?.number ?? null,
      query: known?.query ?? null,
      wasEnabled: enabled?.[turnId] ?? null,
    };
  });
  if (turns.every((t) => t.number !== null)) {
    turns.sort((a, b) => (a.number as number) - (b.number as number));
  }
  return {
    auditId: entry.auditId,
    action: entry.action,
    actorEmail: entry.actorEmail,
    chatId: entry.chatId,
    reason: entry.reason,
    createdAt: entry.createdAt,
    conversation: entry.chatId ? (now?.state ?? "unknown") : null,
    turns,
  };
}

/**
 * The audit log, newest first, a page at a time, each entry with its turns' numbers and
 * questions and whether its conversation still exists. Each conversation on the page
 * is read once (its turn list), a few at a time.
 */
export async function listAuditLog({
  chatId,
  actorEmail,
  reasonContains,
  cursor,
  limit,
  client,
}: {
  chatId?: string;
  actorEmail?: string;
  reasonContains?: string;
  cursor?: string;
  limit: number;
  client: VectaraClient;
}): Promise<{ entries: AuditLogEntry[]; nextCursor: string | null }> {
  const db = await getAppDb();
  const page = await listAuditEntries({ db, chatId, actorEmail, reasonContains, cursor, limit });
  const chatIds = [...new Set(page.entries.flatMap((e) => (e.chatId ? [e.chatId] : [])))];
  const chats = await eachLimited(chatIds, 4, (id) => loadChatNow(client, db, id));
  const byChat = new Map(chatIds.map((id, i) => [id, chats[i]]));
  return {
    entries: page.entries.map((e) =>
      toAuditLogEntry(e, e.chatId ? byChat.get(e.chatId) : undefined),
    ),
    nextCursor: page.nextCursor,
  };
}

/**
 * The audit page's filters, read leniently from its URL: a malformed one is dropped
 * rather than refused, since people edit and share these links.
 */
export const auditSearchSchema = z.object({
  chat_id: z.string().trim().max(200).optional().catch(undefined),
  actor: z.string().trim().max(254).optional().catch(undefined),
  q: z.string().trim().max(200).optional().catch(undefined),
  cursor: z.string().max(500).optional().catch(undefined),
});

export type AuditSearch = z.output<typeof auditSearchSchema>;

export type AuditLogPage = { entries: AuditLogEntry[]; nextCursor: string | null };

const AUDIT_PAGE_SIZE = 50;

/**
 * What `/agent/audit` shows for `search`: a page of the log, and a problem to tell the
 * reader, if any. A chat id that is not one shows nothing; a page link that is no
 * longer valid shows the newest entries instead.
 */
export async function readAuditPage({
  client,
  search,
}: {
  client: VectaraClient;
  search: AuditSearch;
}): Promise<{ page: AuditLogPage; problem: string | null }> {
  const chatId = search.chat_id ? chatIdSchema.safeParse(search.chat_id) : undefined;
  if (chatId && !chatId.success) {
    return {
      page: { entries: [], nextCursor: null },
      problem: "That is not a chat id (they look like cht_…).",
    };
  }
  try {
    const page = await listAuditLog({
      client,
      chatId: chatId?.data,
      actorEmail: search.actor || undefined,
      reasonContains: search.q || undefined,
      cursor: search.cursor,
      limit: AUDIT_PAGE_SIZE,
    });
    return { page, problem: null };
  } catch (error) {
    if (!(error instanceof InvalidAuditCursorError)) throw error;
    return {
      page: await listAuditLog({ client, limit: AUDIT_PAGE_SIZE }),
      problem: "That page link is no longer valid; showing the newest entries.",
    };
  }
}
