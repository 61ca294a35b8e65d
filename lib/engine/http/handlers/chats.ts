import { randomUUID } from "node:crypto";
import { EngineError, errors } from "../../core/errors";
import { CONTACT_QUERY, smallTalkOf } from "../../core/generation/smalltalk";
import {
  type HistoryTurn,
  type ResolvedQuery,
  resolveFollowUp,
  type TurnSource,
} from "../../core/history";
import { KeyedMutex } from "../../core/mutex";
import { decodePageKey, encodePageKey } from "../../core/paging";
import { compileUserRegex } from "../../core/regex";
import { scanPage } from "../../core/scan";
import type { SearchResult } from "../../ports";
import {
  type ChatRow,
  deleteChatById,
  deleteTurnsFromTurnId,
  disableTurnsFromTurnId,
  getChatById,
  getTurnById,
  iterateChatsBySeq,
  listRecentEnabledTurns,
  listTurnsByChatId,
  saveTurnByChatId,
  type TurnRow,
} from "../../store/chats";
import type { DB } from "../../store/db";
import { createCorpusSignals } from "../../store/signals";
import { type Ctx, type Route, readJson, readQuery } from "../context";
import { json, noContent } from "../respond";
import { type Rewriting, rewriteQueries } from "../rewrite";
import {
  type ChatRequest,
  chatRequestSchema,
  listChatsQuerySchema,
  listTurnsQuerySchema,
  updateTurnSchema,
} from "../schemas/chats";
import { type Emit, streamEvents } from "../sse";
import { planCorporaSearch, retrieve } from "./query";

/**
 * The chat endpoints. A turn is a straight line: parse, check the chat and every
 * corpus (all 400/403/404s before any streaming), then, holding the chat's lock,
 * read its enabled history, rephrase the message into a standalone query,
 * retrieve, generate, and store the finished turn in one transaction. The JSON
 * and SSE forms run the same code, so they store identical turns.
 */

/**
 * How many of a chat's latest enabled turns a new turn reads: its follow-up resolution,
 * the LLM's rephrasing and the prompt's `$vectaraChatHistory` see these and no older ones,
 * so a turn's cost and its prompt do not grow with the chat.
 */
export const HISTORY_WINDOW = 20;

/** One lock table per database: concurrent turns on one chat run one at a time. */
const chatLocks = new WeakMap<DB, KeyedMutex>();
function lockFor(db: DB): KeyedMutex {
  let mutex = chatLocks.get(db);
  if (!mutex) {
    mutex = new KeyedMutex();
    chatLocks.set(db, mutex);
  }
  return mutex;
}

/**
 * The documents an answer came from, best first: those of the results it cites
 * (`[n]`), or when it cites none in that style, the first three results'.
 */
function sourcesOf(answer: string, results: SearchResult[]): TurnSource[] {
  const cited = [...answer.matchAll(/\[(\d{1,3})\]/g)].map((m) => Number(m[1]) - 1);
  const picked = cited.length ? cited.map((i) => results[i]) : results.slice(0, 3);
  const out: TurnSource[] = [];
  for (const r of picked) {
    if (!r || out.some((s) => s.corpusKey === r.corpus_key && s.documentId === r.document_id)) {
      continue;
    }
    out.push({ corpusKey: r.corpus_key, documentId: r.document_id });
  }
  return out.slice(0, 5);
}

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

/** A key scoped to some corpora sees only chats whose turns searched nothing else. */
const inScope = (ctx: Ctx, chat: ChatRow) =>
  !ctx.key.corpusKeys || chat.corpusKeys.every((k) => ctx.key.corpusKeys?.includes(k));

function requireChat(ctx: Ctx, chatId = ctx.params.chat_id ?? ""): ChatRow {
  const chat = getChatById({ db: ctx.db, chatId });
  if (!chat) throw errors.notFound("Chat", chatId);
  if (!inScope(ctx, chat)) {
    throw errors.forbidden(`This API key has no access to every corpus of chat '${chatId}'`);
  }
  return chat;
}

/**
 * A chat whose first turn is disabled takes no further turns (`Chat.enabled`:
 * "can take further turns"). It answers 404, not 400, because Vectara's clients
 * treat a 404 on a turn as "the chat is gone, start a new one".
 */
function requireOpenChat(ctx: Ctx, chatId: string): ChatRow {
  const chat = requireChat(ctx, chatId);
  if (!chat.enabled) {
    throw new EngineError(
      "not_found",
      `Chat '${chatId}' is disabled (its first turn was disabled) and takes no further turns; start a new chat`,
      { id: chatId },
    );
  }
  return chat;
}

function requireTurn(ctx: Ctx): TurnRow {
  const chat = requireChat(ctx);
  const turnId = ctx.params.turn_id ?? "";
  const turn = getTurnById({ db: ctx.db, chatId: chat.id, turnId });
  if (!turn) throw errors.notFound("Turn", turnId);
  return turn;
}

function signalFor(ctx: Ctx, stream?: AbortSignal): AbortSignal {
  const remaining = ctx.deadline.remaining();
  const signals = [ctx.request.signal, stream];
  if (Number.isFinite(remaining)) signals.push(AbortSignal.timeout(Math.max(1, remaining)));
  return AbortSignal.any(signals.filter((s): s is AbortSignal => s !== undefined));
}

async function rephrase(
  ctx: Ctx,
  query: string,
  history: HistoryTurn[],
  signal: AbortSignal,
): Promise<ResolvedQuery> {
  // Asking for a person is asking how to reach support: that is what to search for.
  if (smallTalkOf(query) === "human") return { query: CONTACT_QUERY, followUp: false, sources: [] };
  if (history.length === 0) return { query, followUp: false, sources: [] };
  const resolved = resolveFollowUp(
    query,
    history,
    createCorpusSignals(ctx.db, ctx.services.lexicon),
  );
  // With an LLM configured, it rephrases; the deterministic resolution is the fallback.
  const llm = ctx.services.rephrase;
  if (llm) {
    try {
      const rephrased = (await llm({ query, history, signal })).trim();
      if (rephrased && rephrased.length <= 5000) return { ...resolved, query: rephrased };
    } catch (error) {
      if (signal.aborted) throw error;
      ctx.services.log(`engine: the rephraser failed, rewriting without it: ${String(error)}`);
    }
  }
  return resolved;
}

/** A chat always generates: `generation` defaults to `{}` and its `enabled` is ignored (spec). */
function chatGeneration(body: ChatRequest): Record<string, unknown> {
  const { enabled: _ignoredForChat, ...generation } = body.generation ?? {};
  return generation;
}

interface TurnOutcome extends Rewriting {
  search_results: SearchResult[];
  answer: string;
  rephrased_query: string;
  rendered_prompt?: string;
  factual_consistency_score?: number;
}

/**
 * Runs one turn. `emit` is set when streaming: events go out as they happen and
 * the trailing ones (`generation_info`, `generation_end`, the score) only after
 * the turn is stored. Nothing is stored when generation fails or is aborted.
 */
async function runTurn(
  ctx: Ctx,
  body: ChatRequest,
  ids: { chatId: string; turnId: string; newChat: boolean },
  store: boolean,
  signal: AbortSignal,
  emit?: Emit,
): Promise<TurnOutcome> {
  const generate = ctx.services.generate;
  if (!generate) throw new EngineError("internal", "No answer generator is configured");
  return lockFor(ctx.db).run(ids.chatId, async () => {
    if (!ids.newChat) requireOpenChat(ctx, ids.chatId);
    const history: HistoryTurn[] = ids.newChat
      ? []
      : listRecentEnabledTurns({ db: ctx.db, chatId: ids.chatId, limit: HISTORY_WINDOW }).map(
          (t) => ({
            query: t.query,
            answer: t.answer,
            rephrasedQuery: t.rephrasedQuery,
            sources: t.sources,
          }),
        );
    const resolved = await rephrase(ctx, body.query, history, signal);
    const rephrased = resolved.query;
    const generation = chatGeneration(body);
    const plan = planCorporaSearch(ctx, rephrased, body.search, "body.search", generation);
    // A follow-up stays with the articles the previous answer came from.
    for (const c of plan.corpora) {
      c.preferDocuments = resolved.sources
        .filter((s) => s.corpusKey === c.corpus.key)
        .map((s) => s.documentId);
    }
    plan.rewrite = body.intelligent_query_rewriting === true;
    const rewriting = await rewriteQueries(ctx, plan);
    const results = await retrieve(ctx, plan);
    emit?.({
      type: "search_results",
      search_results: results,
      ...(rewriting.rewritten_queries && { rewritten_queries: rewriting.rewritten_queries }),
    });
    if (store) emit?.({ type: "chat_info", chat_id: ids.chatId, turn_id: ids.turnId });

    const out: TurnOutcome = {
      search_results: results,
      answer: "",
      rephrased_query: rephrased,
      ...rewriting,
    };
    for await (const e of generate({
      query: body.query,
      results,
      generation,
      signal,
      history,
      rephrasedQuery: rephrased,
      unknownWords: plan.unknownWords,
      corrections: plan.corrections,
    })) {
      if (signal.aborted) break;
      if (e.type === "chunk") {
        out.answer += e.text;
        emit?.({ type: "generation_chunk", generation_chunk: e.text });
      } else if (e.type === "info") {
        if (e.rendered_prompt !== undefined) out.rendered_prompt = e.rendered_prompt;
      } else {
        out.factual_consistency_score = e.score;
      }
      ctx.deadline.check();
    }
    ctx.deadline.check();
    // An abandoned answer is never stored, not even partly.
    if (signal.aborted) throw errors.badRequest("The request was aborted");
    if (store) {
      const saved = saveTurnByChatId({
        db: ctx.db,
        newChat: ids.newChat,
        turn: {
          chatId: ids.chatId,
          turnId: ids.turnId,
          query: body.query,
          answer: out.answer,
          rephrasedQuery: rephrased,
          factualConsistencyScore: out.factual_consistency_score,
          corpusKeys: body.search.corpora.map((c) => c.corpus_key),
          sources: sourcesOf(out.answer, results),
        },
      });
      if (!saved) throw errors.notFound("Chat", ids.chatId);
    }
    emit?.({
      type: "generation_info",
      rephrased_query: rephrased,
      ...(out.rendered_prompt !== undefined && { rendered_prompt: out.rendered_prompt }),
    });
    emit?.({ type: "generation_end" });
    if (out.factual_consistency_score !== undefined) {
      emit?.({
        type: "factual_consistency_score",
        factual_consistency_score: out.factual_consistency_score,
      });
    }
    return out;
  });
}

/**
 * Storage follows the notes' rule: stored unless `save_history` is explicitly
 * false (`chat.store: false` alone does not suppress it, as `save_history`
 * defaults to true and overrides it). Unstored answers carry no ids.
 */
async function answer(ctx: Ctx, body: ChatRequest, chatId: string | undefined): Promise<Response> {
  // Every corpus, filter, reranker and generation parameter is checked now, before any streaming.
  planCorporaSearch(ctx, body.query, body.search, "body.search", chatGeneration(body));
  const store = body.save_history !== false;
  const uuid = randomUUID();
  const ids = chatId
    ? { chatId, turnId: `trn_${uuid}`, newChat: false }
    : { chatId: `cht_${uuid}`, turnId: `trn_${uuid}`, newChat: true };
  if (body.stream_response === true) {
    return streamEvents(async (emit, streamSignal) => {
      await runTurn(ctx, body, ids, store, signalFor(ctx, streamSignal), emit);
    }, ctx.services.log);
  }
  const out = await runTurn(ctx, body, ids, store, signalFor(ctx));
  return json(200, {
    ...(store && { chat_id: ids.chatId, turn_id: ids.turnId }),
    ...out,
  });
}

async function createChat(ctx: Ctx): Promise<Response> {
  const body = await readJson(ctx, chatRequestSchema);
  return answer(ctx, body, undefined);
}

async function createTurn(ctx: Ctx): Promise<Response> {
  const body = await readJson(ctx, chatRequestSchema);
  const chat = requireOpenChat(ctx, ctx.params.chat_id ?? "");
  return answer(ctx, body, chat.id);
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
    keep: (c) => inScope(ctx, c),
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
  await lockFor(ctx.db).run(turn.chatId, async () => {
    disableTurnsFromTurnId({ db: ctx.db, turn });
  });
  return json(200, toWireTurn({ ...turn, enabled: false }));
}

async function deleteTurn(ctx: Ctx): Promise<Response> {
  const turn = requireTurn(ctx);
  await lockFor(ctx.db).run(turn.chatId, async () => {
    deleteTurnsFromTurnId({ db: ctx.db, turn });
  });
  return noContent();
}

const TURN = "/v2/chats/:chat_id/turns/:turn_id";

export const chatRoutes: Route[] = [
  { method: "POST", pattern: "/v2/chats", role: "serving_and_indexing", handler: createChat },
  { method: "GET", pattern: "/v2/chats", role: "serving", handler: listChats },
  { method: "GET", pattern: "/v2/chats/:chat_id", role: "serving", handler: getChat },
  { method: "DELETE", pattern: "/v2/chats/:chat_id", role: "personal", handler: deleteChat },
  {
    method: "POST",
    pattern: "/v2/chats/:chat_id/turns",
    role: "serving_and_indexing",
    handler: createTurn,
  },
  { method: "GET", pattern: "/v2/chats/:chat_id/turns", role: "serving", handler: listTurns },
  { method: "GET", pattern: TURN, role: "serving", handler: getTurn },
  { method: "PATCH", pattern: TURN, role: "serving_and_indexing", handler: updateTurn },
  { method: "DELETE", pattern: TURN, role: "serving_and_indexing", handler: deleteTurn },
];
