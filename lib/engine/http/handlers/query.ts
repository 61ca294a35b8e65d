import type { EngineContext } from "../../services/context";
import { QueryTrace, wantsHistory } from "../../services/history";
import {
  answerQuery,
  type CorpusSpec,
  type Plan,
  planCorporaSearch,
  planSearch,
  streamQuery,
} from "../../services/search";
import { type Ctx, engineContext, type Route, readJson, readQuery } from "../context";
import { json } from "../respond";
import {
  queryCorpusRequestSchema,
  queryRequestSchema,
  searchQueryParamsSchema,
} from "../schemas/query";
import { streamEvents } from "../sse";
import { requireCorpus } from "./corpora";

/**
 * The query endpoints: `POST /v2/query` (one or more corpora), `POST
 * /v2/corpora/{key}/query` (flat search parameters) and `GET /v2/corpora/{key}/query`.
 * Parse, plan (every 400/403/404 happens there, before any streaming), then answer
 * with `services/search.ts`; `stream_response: true` sends its events as SSE.
 */

/**
 * Query history: recorded when `save_history` says so, else when any searched corpus
 * saves its queries by default (`Corpus.save_history`, default false). `request` is
 * what the history shows as the query, in `QueryRequest`'s shape.
 */
function traceWhen(
  p: Plan,
  saveHistory: boolean | null | undefined,
  request: unknown,
  received: number,
): void {
  const corpora = p.corpora.map((c) => c.corpus);
  if (wantsHistory(saveHistory, corpora)) p.trace = new QueryTrace(request, received);
}

async function respond(engine: EngineContext, p: Plan, stream: boolean): Promise<Response> {
  if (stream) {
    return streamEvents((emit, signal) => streamQuery(engine, p, emit, signal), engine.log);
  }
  return json(200, await answerQuery(engine, p));
}

async function queryCorpora(ctx: Ctx): Promise<Response> {
  const received = Date.now();
  const body = await readJson(ctx, queryRequestSchema);
  const engine = engineContext(ctx);
  const p = planCorporaSearch(engine, body.query, body.search, "body.search", body.generation);
  p.rewrite = body.intelligent_query_rewriting === true;
  traceWhen(p, body.save_history, body, received);
  return respond(engine, p, body.stream_response === true);
}

async function queryOneCorpus(ctx: Ctx): Promise<Response> {
  const received = Date.now();
  const corpus = requireCorpus(ctx);
  const body = await readJson(ctx, queryCorpusRequestSchema);
  const engine = engineContext(ctx);
  const search = body.search ?? {};
  const spec: CorpusSpec = { ...search, corpus, query: body.query, field: "body.search" };
  const p = planSearch(engine, body.query, [spec], search, "body.search", body.generation);
  p.rewrite = body.intelligent_query_rewriting === true;
  // As `QueryRequest`: the flat search becomes the one corpus's entry.
  const { metadata_filter, lexical_interpolation, custom_dimensions, semantics, ...parameters } =
    search as Record<string, unknown>;
  const corpusEntry = {
    corpus_key: corpus.key,
    metadata_filter,
    lexical_interpolation,
    custom_dimensions,
    semantics,
  };
  traceWhen(
    p,
    body.save_history,
    { ...body, search: { ...parameters, corpora: [dropUndefined(corpusEntry)] } },
    received,
  );
  return respond(engine, p, body.stream_response === true);
}

function searchOneCorpus(ctx: Ctx): Promise<Response> {
  const received = Date.now();
  const corpus = requireCorpus(ctx);
  const q = readQuery(ctx, searchQueryParamsSchema);
  const engine = engineContext(ctx);
  const spec: CorpusSpec = { corpus, query: q.query, field: "query" };
  const search = { offset: q.offset, limit: q.limit };
  const p = planSearch(engine, q.query, [spec], search, "query", undefined);
  const request = {
    query: q.query,
    search: { ...dropUndefined(search), corpora: [{ corpus_key: corpus.key }] },
  };
  traceWhen(p, q.save_history, request, received);
  return respond(engine, p, false);
}

const dropUndefined = (o: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== null));

export const queryRoutes: Route[] = [
  { method: "POST", pattern: "/v2/query", role: "serving", handler: queryCorpora },
  {
    method: "POST",
    pattern: "/v2/corpora/:corpus_key/query",
    role: "serving",
    handler: queryOneCorpus,
  },
  {
    method: "GET",
    pattern: "/v2/corpora/:corpus_key/query",
    role: "serving",
    handler: searchOneCorpus,
  },
];
