import "server-only";
import path from "node:path";
import { type Config, getConfig } from "@/lib/config";
import { createEngine, type Engine } from "@/lib/engine";
import { createEmbedder } from "@/lib/engine/providers/embeddings";
import { createLlm } from "@/lib/engine/providers/llm";
import { createEnginePool, type EnginePool } from "@/lib/engine/worker/pool";
import { annotateRequest, currentRequestId } from "@/lib/observability/context";
import { registerGauge } from "@/lib/observability/metrics";
import { createVectaraClient, type VectaraClient } from "@/lib/vectara";

/**
 * The one place that decides how Parley reaches Vectara. Remote mode: the typed
 * client over the network. Local mode: the same client, whose `fetch` is the
 * embedded engine's worker pool (`lib/engine/worker/pool.ts`): every engine request
 * runs on a worker thread, so none can stall this thread's pages and streams. The
 * engine opened on this thread migrates the database, owns the personal key and
 * serves in-process callers (seeding's checks, tests). All of it lives on globalThis
 * so that every bundle of this module in the process (instrumentation, route
 * handlers) shares one engine, one pool and one client.
 */
interface Shared {
  engine?: Engine;
  pool?: EnginePool;
  client?: VectaraClient;
}

const shared = globalThis as typeof globalThis & { __parley?: Shared };
shared.__parley ??= {};
const state: Shared = shared.__parley;

/** The embedded engine, in local mode; undefined in remote mode. */
export function getEngine(config: Config = getConfig()): Engine | undefined {
  if (config.mode !== "local") return undefined;
  if (state.engine) return state.engine;
  closeOnShutdown("the local engine (workers, engine.db)", closeLocalEngine);
  state.engine = createEngine({
    dataDir: path.resolve(config.dataDir),
    localApiKey: config.localApiKey,
    appClient: config.localAppClient,
    oauthTokenTtlSeconds: config.localOauthTokenTtlSeconds,
    // Semantic retrieval only when an embeddings endpoint is configured.
    embedder: config.embedding
      ? createEmbedder({ baseURL: config.embedding.baseUrl, model: config.embedding.model })
      : undefined,
    // Answers come from the LLM when one is configured; extractive otherwise.
    llm: config.llm
      ? createLlm({
          baseURL: config.llm.baseUrl,
          model: config.llm.model,
          apiKey: config.llm.apiKey,
        })
      : undefined,
  });
  return state.engine;
}

/**
 * How requests reach the local engine: its worker pool, or (ENGINE_WORKERS=0) the
 * engine on this thread. Undefined in remote mode.
 */
export function getEngineFetch(config: Config = getConfig()): EngineFetch | undefined {
  const engine = getEngine(config);
  if (!engine) return undefined;
  if (config.engineWorkers === 0) return engine.handle;
  state.pool ??= createEnginePool({
    engine: {
      dataDir: path.resolve(config.dataDir),
      localApiKey: engine.apiKey,
      oauthTokenTtlSeconds: config.localOauthTokenTtlSeconds,
      embedding: config.embedding
        ? { baseURL: config.embedding.baseUrl, model: config.embedding.model }
        : undefined,
      llm: config.llm
        ? { baseURL: config.llm.baseUrl, model: config.llm.model, apiKey: config.llm.apiKey }
        : undefined,
    },
    size: config.engineWorkers,
    requestTimeoutMs: config.engineRequestTimeoutMs,
  });
  return state.pool.handle;
}

type EngineFetch = (request: Request) => Promise<Response>;

/**
 * Registers how to close a resource when the server shuts down gracefully: the server's
 * bundle reads this Map on globalThis (`registeredResources` in `lib/http/shutdown.ts`).
 */
function closeOnShutdown(name: string, close: () => Promise<void>): void {
  const shared = globalThis as { __parleyShutdown?: Map<string, () => Promise<void>> };
  shared.__parleyShutdown ??= new Map();
  shared.__parleyShutdown.set(name, close);
}

/** Closes the engine's workers and databases (tests; a graceful shutdown). */
export async function closeLocalEngine(): Promise<void> {
  const { pool, engine } = state;
  state.pool = undefined;
  state.engine = undefined;
  state.client = undefined;
  await pool?.close();
  engine?.close();
}

export function getVectaraClient(config: Config = getConfig()): VectaraClient {
  if (state.client) return state.client;
  const engine = getEngine(config);
  const engineFetch = getEngineFetch(config);
  state.client =
    engine && engineFetch
      ? createVectaraClient({
          baseUrl: "http://parley.local",
          fetch: traced(engineFetch),
          auth: { type: "api_key", apiKey: engine.apiKey },
          timeoutMs: config.vectara.timeoutMs,
        })
      : createVectaraClient({
          baseUrl: config.vectara.baseUrl,
          fetch: traced(fetchUnmemoized),
          customerId: config.vectara.customerId,
          timeoutMs: config.vectara.timeoutMs,
          auth:
            config.vectara.auth?.kind === "oauth"
              ? { type: "oauth", ...config.vectara.auth }
              : config.vectara.auth
                ? { type: "api_key", apiKey: config.vectara.auth.apiKey }
                : undefined,
        });
  return state.client;
}

/**
 * A fetch that sends the current request's id as `x-request-id` (the engine and Vectara
 * see which Parley request asked) and notes the answer's status for its log line.
 */
function traced(fetch: EngineFetch): EngineFetch {
  return async (request) => {
    const requestId = currentRequestId();
    if (requestId && !request.headers.has("x-request-id")) {
      try {
        request.headers.set("x-request-id", requestId);
      } catch {
        // Immutable headers: the call goes without it.
      }
    }
    const response = await fetch(request);
    annotateRequest({ upstreamStatus: response.status });
    return response;
  };
}

// The engine's pool, read at each scrape of /api/metrics (lib/engine/worker/pool.ts).
registerGauge({
  name: "parley_engine_queue_depth",
  help: "Local engine: requests waiting for a worker thread",
  read: () => (state.pool ? [{ value: state.pool.stats().queued }] : []),
});
registerGauge({
  name: "parley_engine_requests_in_flight",
  help: "Local engine: requests running on its worker threads",
  read: () => (state.pool ? [{ value: state.pool.stats().busy }] : []),
});
registerGauge({
  name: "parley_engine_workers",
  help: "Local engine: worker threads ready",
  read: () => (state.pool ? [{ value: state.pool.stats().workers }] : []),
});
registerGauge({
  name: "parley_engine_worker_utilisation",
  help: "Local engine: requests in flight per ready worker thread (1: each has one)",
  read: () => {
    const stats = state.pool?.stats();
    return stats ? [{ value: stats.workers > 0 ? stats.busy / stats.workers : 0 }] : [];
  },
});

/**
 * The global fetch, given a URL and options rather than the Request itself. Inside a
 * server component render, Next's fetch memoizes GETs by URL and headers unless its
 * options carry a signal (a signal inside a Request does not count; Next merges the
 * options into the Request first). Memoized, the client's retry of a failed read (a 503
 * on the turns of the chat being rendered) would get the same failure back without
 * asking Vectara again.
 */
function fetchUnmemoized(request: Request): Promise<Response> {
  return globalThis.fetch(request.url, {
    method: request.method,
    headers: request.headers,
    body: request.body,
    signal: request.signal,
    // Required by Node's fetch for a streamed body.
    duplex: "half",
  } as RequestInit);
}

/**
 * Serves the engine's Vectara-compatible API at /v2 in local mode. In remote mode
 * there is no local API: a Vectara-shaped 404 says so.
 */
export async function handleLocalApiRequest(request: Request): Promise<Response> {
  const engineFetch = getEngineFetch();
  if (!engineFetch) {
    return Response.json(
      {
        messages: ["Parley runs in remote mode: its local /v2 API is off. Call Vectara directly."],
        request_id: crypto.randomUUID(),
      },
      { status: 404 },
    );
  }
  return engineFetch(request);
}

/** Every method of a route the engine serves: its /v2 and OAuth token mounts. */
export const localApiRoutes = {
  GET: handleLocalApiRequest,
  POST: handleLocalApiRequest,
  PUT: handleLocalApiRequest,
  PATCH: handleLocalApiRequest,
  DELETE: handleLocalApiRequest,
};
