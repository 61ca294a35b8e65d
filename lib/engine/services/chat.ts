import { randomUUID } from "node:crypto";
import { EngineError, errors } from "../core/errors";
import { CONTACT_QUERY, smallTalkOf } from "../core/generation/smalltalk";
import {
  type HistoryTurn,
  type ResolvedQuery,
  resolveFollowUp,
  type TurnSource,
} from "../core/history";
import type { SearchResult } from "../ports";
import {
  type ChatRow,
  createChatById,
  deleteTurnsFromTurnId,
  disableTurnsFromTurnId,
  getChatById,
  getTurnById,
  listRecentEnabledTurns,
  saveTurnByChatId,
  type TurnRow,
} from "../store/chats";
import { createCorpusSignals } from "../store/signals";
import { callSignal, type EngineContext } from "./context";
import { GenerationTimer, type QueryTrace, recordTrace, traceRewriting } from "./history";
import { type Rewriting, rewriteQueries } from "./rewrite";
import { type CorporaSearch, planCorporaSearch, retrieve, type SearchEvent } from "./search";

/**
 * Chat turns. A turn is a straight line: check the chat and every corpus (all
 * 400/403/404s in `checkTurn`, before a caller starts streaming), then, holding the
 * chat's lock, read its recent enabled history, rephrase the message into a standalone
 * query, retrieve, generate, and store the finished turn in one transaction. The one-piece
 * and streamed forms run the same code, so they store identical turns. A streamed answer
 * that starts a chat creates the (empty) chat before announcing its id in `chat_info`,
 * so a client that saw the id can always open the chat, even when the answer then fails.
 */

/**
 * How many of a chat's latest enabled turns a new turn reads: its follow-up resolution,
 * the LLM's rephrasing and the prompt's `$vectaraChatHistory` see these and no older ones,
 * so a turn's cost and its prompt do not grow with the chat.
 */
export const HISTORY_WINDOW = 20;

/** What a turn is asked with (`ChatRequest`, parsed). */
export interface TurnInput {
  query: string;
  search: CorporaSearch;
  generation?: Record<string, unknown> | null;
  intelligent_query_rewriting?: boolean | null;
}

export interface TurnIds {
  chatId: string;
  turnId: string;
  /** The turn starts the chat `chatId`. */
  newChat: boolean;
}

/** What a turn streams: a search's events plus the new turn's ids. */
export type ChatEvent = SearchEvent | { type: "chat_info"; chat_id: string; turn_id: string };

export interface TurnOutcome extends Rewriting {
  search_results: SearchResult[];
  answer: string;
  rephrased_query: string;
  rendered_prompt?: string;
  factual_consistency_score?: number;
  /** The language the answer was asked in (ISO 639-3). */
  response_language?: string;
}

/** Ids for a turn: the first of a new chat, or the next of `chatId`. */
export function newTurnIds(chatId?: string): TurnIds {
  const uuid = randomUUID();
  return chatId
    ? { chatId, turnId: `trn_${uuid}`, newChat: false }
    : { chatId: `cht_${uuid}`, turnId: `trn_${uuid}`, newChat: true };
}

/** A caller scoped to some corpora sees only chats whose turns searched nothing else. */
export const chatInScope = (ctx: Pick<EngineContext, "scope">, chat: ChatRow) =>
  !ctx.scope || chat.corpusKeys.every((k) => ctx.scope?.includes(k));

export function requireChat(ctx: EngineContext, chatId: string): ChatRow {
  const chat = getChatById({ db: ctx.db, chatId });
  if (!chat) throw errors.notFound("Chat", chatId);
  if (!chatInScope(ctx, chat)) {
    throw errors.forbidden(`This API key has no access to every corpus of chat '${chatId}'`);
  }
  return chat;
}

/**
 * A chat whose first turn is disabled takes no further turns (`Chat.enabled`:
 * "can take further turns"). It answers 404, not 400, because Vectara's clients
 * treat a 404 on a turn as "the chat is gone, start a new one".
 */
export function requireOpenChat(ctx: EngineContext, chatId: string): ChatRow {
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

export function requireTurn(ctx: EngineContext, chatId: string, turnId: string): TurnRow {
  const chat = requireChat(ctx, chatId);
  const turn = getTurnById({ db: ctx.db, chatId: chat.id, turnId });
  if (!turn) throw errors.notFound("Turn", turnId);
  return turn;
}

/**
 * Checks a turn before it runs: every corpus, filter, reranker and generation
 * parameter (400/403/404), and the chat when continuing one (404 when gone or disabled).
 */
export function checkTurn(ctx: EngineContext, input: TurnInput, chatId?: string): void {
  if (chatId !== undefined) requireOpenChat(ctx, chatId);
  planCorporaSearch(ctx, input.query, input.search, "body.search", chatGeneration(input));
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

async function rephrase(
  ctx: EngineContext,
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
      ctx.log(`engine: the rephraser failed, rewriting without it: ${String(error)}`);
    }
  }
  return resolved;
}

/** A chat always generates: `generation` defaults to `{}` and its `enabled` is ignored (spec). */
function chatGeneration(input: TurnInput): Record<string, unknown> {
  const { enabled: _ignoredForChat, ...generation } = input.generation ?? {};
  return generation;
}

/**
 * Runs one turn. With `store`, the finished turn is saved (no turn is when generation
 * fails or is aborted; a new chat streamed with `emit` is then left empty). With
 * `emit`, events go out as they happen and the trailing ones
 * (`generation_info`, `generation_end`, the score) only after the turn is stored.
 * `signal` stops the turn (a stream's own, when its reader goes away), as do the
 * caller's signal and deadline.
 */
export async function runTurn(
  ctx: EngineContext,
  input: TurnInput,
  ids: TurnIds,
  options: {
    store: boolean;
    emit?: (event: ChatEvent) => void;
    signal?: AbortSignal;
    /** Query history: the turn is recorded with this trace once its answer is complete. */
    trace?: QueryTrace;
  },
): Promise<TurnOutcome> {
  const { store, emit, trace } = options;
  const signal = callSignal(ctx, options.signal);
  const generate = ctx.services.generate;
  if (!generate) throw new EngineError("internal", "No answer generator is configured");
  return ctx.state.chatLocks.run(ids.chatId, async () => {
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
    const rephraseStarted = Date.now();
    const resolved = await rephrase(ctx, input.query, history, signal);
    const rephrased = resolved.query;
    if (trace && (history.length > 0 || rephrased !== input.query)) {
      trace.span("rephrase", rephraseStarted, { rephrased_query: rephrased });
    }
    const generation = chatGeneration(input);
    const plan = planCorporaSearch(ctx, rephrased, input.search, "body.search", generation);
    // A follow-up stays with the articles the previous answer came from.
    for (const c of plan.corpora) {
      c.preferDocuments = resolved.sources
        .filter((s) => s.corpusKey === c.corpus.key)
        .map((s) => s.documentId);
    }
    plan.rewrite = input.intelligent_query_rewriting === true;
    plan.trace = trace;
    const corpusKeys = input.search.corpora.map((c) => c.corpus_key);
    const rewriteStarted = Date.now();
    const rewriting = await rewriteQueries(ctx, plan);
    traceRewriting(trace, rewriteStarted, plan.rewrite, rewriting, corpusKeys);
    const results = await retrieve(ctx, plan);
    emit?.({
      type: "search_results",
      search_results: results,
      ...(rewriting.rewritten_queries && { rewritten_queries: rewriting.rewritten_queries }),
    });
    // The chat `chat_info` names exists from then on, whatever becomes of this answer:
    // created empty now in its own transaction, its turn stored when the answer is done.
    // (An unstreamed answer's chat is created with its turn: its caller learns the id then.)
    let chatCreated = false;
    if (store && emit) {
      if (ids.newChat) {
        if (signal.aborted) throw errors.badRequest("The request was aborted");
        createChatById({
          db: ctx.db,
          chatId: ids.chatId,
          firstQuery: input.query,
          corpusKeys: input.search.corpora.map((c) => c.corpus_key),
        });
        chatCreated = true;
      }
      emit({ type: "chat_info", chat_id: ids.chatId, turn_id: ids.turnId });
    }

    const out: TurnOutcome = {
      search_results: results,
      answer: "",
      rephrased_query: rephrased,
      ...rewriting,
    };
    const timer = new GenerationTimer();
    for await (const e of generate({
      query: input.query,
      results,
      generation,
      signal,
      history,
      rephrasedQuery: rephrased,
      unknownWords: plan.unknownWords,
      corrections: plan.corrections,
    })) {
      if (signal.aborted) break;
      if (e.type !== "factual_consistency_score") timer.tick();
      if (e.type === "chunk") {
        out.answer += e.text;
        emit?.({ type: "generation_chunk", generation_chunk: e.text });
      } else if (e.type === "info") {
        if (e.rendered_prompt !== undefined) out.rendered_prompt = e.rendered_prompt;
        if (e.response_language !== undefined) out.response_language = e.response_language;
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
        newChat: ids.newChat && !chatCreated,
        turn: {
          chatId: ids.chatId,
          turnId: ids.turnId,
          query: input.query,
          answer: out.answer,
          rephrasedQuery: rephrased,
          factualConsistencyScore: out.factual_consistency_score,
          corpusKeys: input.search.corpora.map((c) => c.corpus_key),
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
    if (trace) {
      timer.finish(trace, out.answer, out.rendered_prompt, out.factual_consistency_score);
      trace.chatId = ids.chatId;
      trace.turnId = ids.turnId;
      recordTrace(ctx, trace, {
        query: input.query,
        corpusKeys,
        generation: out.answer,
        score: out.factual_consistency_score,
      });
    }
    return out;
  });
}

/**
 * Disables `turn` and every later turn of its chat. Takes the chat's lock, so a turn
 * being answered meanwhile is stored first and then counts as "later".
 */
export async function disableTurns(ctx: EngineContext, turn: TurnRow): Promise<void> {
  await ctx.state.chatLocks.run(turn.chatId, async () => {
    disableTurnsFromTurnId({ db: ctx.db, turn });
  });
}

/** Deletes `turn` and every later turn of its chat, under the chat's lock. */
export async function deleteTurns(ctx: EngineContext, turn: TurnRow): Promise<void> {
  await ctx.state.chatLocks.run(turn.chatId, async () => {
    deleteTurnsFromTurnId({ db: ctx.db, turn });
  });
}
