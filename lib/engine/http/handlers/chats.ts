import { errors } from "../../core/errors";
import { decodePageKey, encodePageKey } from "../../core/paging";
import { compileUserRegex } from "../../core/regex";
import { scanPage } from "../../core/scan";
import {
  chatInScope,
  checkTurn,
  deleteTurns,
  disableTurns,
  newTurnIds,
  requireChat as requireChatIn,
  requireTurn as requireTurnIn,
  runTurn,
} from "../../services/chat";
import { QueryTrace } from "../../services/history";
import {
  type ChatRow,
  deleteChatById,
  iterateChatsBySeq,
  listTurnsByChatId,
  type TurnRow,
} from "../../store/chats";
import { type Ctx, engineContext, type Route, readJson, readQuery } from "../context";
import { json, noContent } from "../respond";
import {
  type ChatRequest,
  chatRequestSchema,
  listChatsQuerySchema,
  listTurnsQuerySchema,
  updateTurnSchema,
} from "../schemas/chats";
import { streamEvents } from "../sse";

/**
 * The chat endpoints: parse, call `services/chat.ts`, respond. A turn's checks (every
 * 400/403/404) run before any streaming; the turn itself (the chat's lock, history,
 * rephrasing, retrieval, generation, storage) is the service's, in JSON and SSE alike.
 */

const toWireChat = (c: ChatRow) => ({
  id: c.id,
  first_query: c.firstQuery,
  first_answer: c.firstAnswer,
  enabled: c.enabled,
  created_at: c.createdAt,
});

const toWireTurn = (t: TurnRow) => ({
  id: t.id,
  chat_id: t.chatId,
  query: t.query,
  answer: t.answer,
  enabled: t.enabled,
  created_at: t.createdAt,
});

const requireChat = (ctx: Ctx): ChatRow =>
  requireChatIn(engineContext(ctx), ctx.params.chat_id ?? "");

const requireTurn = (ctx: Ctx): TurnRow =>
  requireTurnIn(engineContext(ctx), ctx.params.chat_id ?? "", ctx.params.turn_id ?? "");

/**
 * Storage follows the notes' rule: stored unless `save_history` is explicitly
 * false (`chat.store: false` alone does not suppress it, as `save_history`
 * defaults to true and overrides it). Unstored answers carry no ids.
 */
async function answer(
  ctx: Ctx,
  body: ChatRequest,
  chatId: string | undefined,
  received: number,
): Promise<Response> {
  const engine = engineContext(ctx);
  // Every corpus, filter, reranker and generation parameter is checked now, before any streaming.
  checkTurn(engine, body, chatId);
  const store = body.save_history !== false;
  const ids = newTurnIds(chatId);
  // Query history follows the same rule: a stored turn is recorded too.
  const trace = store ? new QueryTrace(body, received) : undefined;
  if (body.stream_response === true) {
    return streamEvents(async (emit, signal) => {
      await runTurn(engine, body, ids, { store, emit, signal, trace });
    }, engine.log);
  }
  const out = await runTurn(engine, body, ids, { store, trace });
  return json(200, {
    ...(store && { chat_id: ids.chatId, turn_id: ids.turnId }),
    ...out,
  });
}

async function createChat(ctx: Ctx): Promise<Response> {
  const received = Date.now();
  const body = await readJson(ctx, chatRequestSchema);
  return answer(ctx, body, undefined, received);
}

async function createTurn(ctx: Ctx): Promise<Response> {
  const received = Date.now();
  const body = await readJson(ctx, chatRequestSchema);
  return answer(ctx, body, ctx.params.chat_id ?? "", received);
}

const isChatCursor = (v: unknown): v is { before: number } =>
  typeof v === "object" && v !== null && Number.isSafeInteger((v as { before?: unknown }).before);
const isTurnCursor = (v: unknown): v is { after: number } =>
  typeof v === "object" && v !== null && Number.isSafeInteger((v as { after?: unknown }).after);

/**
 * Newest first; `filter` is an RE2 regex over the first query or answer, `chat_ids` a
 * whitelist. One request scans a bounded amount (`core/scan.ts`): it may answer a short
 * or empty page with a `page_key` to continue from.
 */
function listChats(ctx: Ctx): Response {
  const q = readQuery(ctx, listChatsQuerySchema, ["chat_ids"]);
  const regex = q.filter ? compileUserRegex(q.filter, "query.filter") : undefined;
  const { page, resumeAfter } = scanPage({
    rows: iterateChatsBySeq({
      db: ctx.db,
      beforeSeq: decodePageKey(q.page_key, isChatCursor)?.before,
      chatIds: q.chat_ids,
    }),
    limit: q.limit,
    keep: (c) => chatInScope({ scope: ctx.key.corpusKeys }, c),
    regex,
    texts: (c) => [c.firstQuery, c.firstAnswer],
    check: () => ctx.deadline.check(),
  });
  return json(200, {
    chats: page.map(toWireChat),
    metadata: resumeAfter ? { page_key: encodePageKey({ before: resumeAfter.seq }) } : {},
  });
}

function getChat(ctx: Ctx): Response {
  return json(200, toWireChat(requireChat(ctx)));
}

function deleteChat(ctx: Ctx): Response {
  deleteChatById({ db: ctx.db, chatId: requireChat(ctx).id });
  return noContent();
}

/** Oldest first, paged by ordinal; the next key is in `metadata.page_key`. */
function listTurns(ctx: Ctx): Response {
  const chat = requireChat(ctx);
  const q = readQuery(ctx, listTurnsQuerySchema);
  const after = decodePageKey(q.page_key, isTurnCursor)?.after;
  const rows = listTurnsByChatId({
    db: ctx.db,
    chatId: chat.id,
    afterOrdinal: after,
    limit: q.limit + 1,
  });
  const page = rows.slice(0, q.limit);
  const last = page.at(-1);
  return json(200, {
    turns: page.map(toWireTurn),
    metadata:
      rows.length > q.limit && last ? { page_key: encodePageKey({ after: last.ordinal }) } : {},
  });
}

function getTurn(ctx: Ctx): Response {
  return json(200, toWireTurn(requireTurn(ctx)));
}

/**
 * `enabled: false` disables this turn and every later one; re-enabling is
 * unsupported (400). Disabling and deleting take the chat's lock, so a turn being
 * answered meanwhile is stored first and then counts as "later".
 */
async function updateTurn(ctx: Ctx): Promise<Response> {
  const body = await readJson(ctx, updateTurnSchema);
  const turn = requireTurn(ctx);
  if (body.enabled) {
    throw errors.field("body.enabled", "re-enabling a turn is not supported; only false is");
  }
  await disableTurns(engineContext(ctx), turn);
  return json(200, toWireTurn({ ...turn, enabled: false }));
}

async function deleteTurn(ctx: Ctx): Promise<Response> {
  const turn = requireTurn(ctx);
  await deleteTurns(engineContext(ctx), turn);
  return noContent();
}

const TURN = "/v2/chats/:chat_id/turns/:turn_id";

export const chatRoutes: Route[] = [
  // Query keys chat, as Vectara's own widgets do (notes §10.9); document writes still need an index key.
  { method: "POST", pattern: "/v2/chats", role: "serving", handler: createChat },
  { method: "GET", pattern: "/v2/chats", role: "serving", handler: listChats },
  { method: "GET", pattern: "/v2/chats/:chat_id", role: "serving", handler: getChat },
  { method: "DELETE", pattern: "/v2/chats/:chat_id", role: "personal", handler: deleteChat },
  {
    method: "POST",
    pattern: "/v2/chats/:chat_id/turns",
    role: "serving",
    handler: createTurn,
  },
  { method: "GET", pattern: "/v2/chats/:chat_id/turns", role: "serving", handler: listTurns },
  { method: "GET", pattern: TURN, role: "serving", handler: getTurn },
  { method: "PATCH", pattern: TURN, role: "serving_and_indexing", handler: updateTurn },
  // Deleting is the personal key's, for turns as for chats (notes §1.2's table).
  { method: "DELETE", pattern: TURN, role: "personal", handler: deleteTurn },
];
