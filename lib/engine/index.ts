import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { type BatchDocumentResult, indexDocumentBatch } from "./batch";

export type { BatchDocumentResult } from "./batch";
// For administration in this process (cli/app-clients.ts): the engine database, its OAuth
// app clients, and the rule for corpus keys.
export { corpusKeySchema } from "./http/schemas/corpora";
export {
  type AppClientRow,
  createAppClient,
  deleteAppClient,
  getAppClientByClientId,
  getAppClientById,
  listAppClients,
  updateAppClient,
} from "./store/app-clients";
export { type DB, openDatabase } from "./store/db";
export type { KeyRole } from "./store/keys";

import { Deadline } from "./core/deadline";
import { createGenerator } from "./generation";
import type { Route } from "./http/context";
import { apiKeyRoutes } from "./http/handlers/api-keys";
import { appClientRoutes } from "./http/handlers/app-clients";
import { catalogRoutes } from "./http/handlers/catalog";
import { chatRoutes } from "./http/handlers/chats";
import { corporaRoutes } from "./http/handlers/corpora";
import { documentRoutes } from "./http/handlers/documents";
import { evaluateRoutes } from "./http/handlers/evaluate";
import { jobRoutes } from "./http/handlers/jobs";
import { metadataQueryRoutes } from "./http/handlers/metadata-query";
import { presetRoutes } from "./http/handlers/presets";
import { queryHistoryRoutes } from "./http/handlers/queries";
import { queryRoutes } from "./http/handlers/query";
import { summarizeRoutes } from "./http/handlers/summarize";
import { uploadRoutes } from "./http/handlers/upload";
import { Router } from "./http/router";
import { createHandler } from "./http/server";
import { createWordNet } from "./lexicon/wordnet";
import type { Embedder, EngineServices, Lexicon } from "./ports";
import type { Llm } from "./providers/llm";
import type { EngineContext } from "./services/context";
import { DEFAULT_RETENTION } from "./services/history";
import { createEngineState } from "./state";
import { ensureAppClient } from "./store/app-clients";
import { closeDatabase, type DB, openDatabase } from "./store/db";
import { ensurePersonalKey, generateSecret, type KeyRole } from "./store/keys";

export interface EngineOptions {
  /** Where `engine.db` and the generated key file live. */
  dataDir: string;
  /** The personal key; generated, stored in `$dataDir/local-api-key` and printed once when unset. */
  localApiKey?: string;
  embedder?: Embedder;
  /**
   * WordNet (`lexicon/wordnet.ts`) unless given, or `false` for none: which words can be
   * nouns or verbs (follow-ups, unknown words), and synonyms when `wordnetSynonyms`.
   */
  lexicon?: Lexicon | false;
  /**
   * Expand queries with WordNet's synonyms too, not only the curated support vocabulary.
   * Off by default: on the PostgreSQL evaluation set it changed nothing in recall@5, and
   * at 135k parts it doubled the search p95 (docs/benchmarks.md).
   */
  wordnetSynonyms?: boolean;
  /** Answers are written by this model when set; extractive otherwise (`generation.ts`). */
  llm?: Llm;
  log?: (message: string) => void;
  /**
   * An OAuth app client to seed (idempotently, by client id), e.g. from
   * `LOCAL_APP_CLIENT_ID`/`LOCAL_APP_CLIENT_SECRET`. Its role defaults to personal,
   * like `localApiKey`.
   */
  appClient?: { clientId: string; clientSecret: string; role?: KeyRole };
  /** Lifetime of OAuth access tokens (default 3600). */
  oauthTokenTtlSeconds?: number;
  /** Use an in-memory database (tests). */
  inMemory?: boolean;
  /**
   * Query history's retention (`GET /v2/queries`): records older than `maxAgeDays`
   * (default 30) or beyond the newest `maxRows` (default 100,000) are pruned.
   */
  queryHistory?: { maxAgeDays?: number; maxRows?: number };
}

export interface Engine {
  handle(request: Request): Promise<Response>;
  close(): void;
  /** The personal key this engine accepts. */
  readonly apiKey: string;
  /** For server-side code in this process (seeding, tests); not part of the wire API. */
  readonly db: DB;
  /**
   * Indexes many documents (each in the body shape of `POST /v2/corpora/{key}/documents`)
   * into an existing corpus, many to a transaction (`batch.ts`), with one result per
   * document: 201 and the create response, or that request's error. For in-process
   * callers (seeding, the ingest CLI, benchmarks); Vectara's API has no bulk create, so
   * the wire API has none. Rejects with a 404 EngineError when the corpus does not exist.
   */
  indexDocuments(corpusKey: string, documents: readonly unknown[]): Promise<BatchDocumentResult[]>;
  /**
   * A context for calling the services (`services/search.ts`, `services/chat.ts`) in
   * this process, without HTTP: every corpus unless `scope` is given, no time limit
   * unless `timeoutMs` is.
   */
  context(caller?: { scope?: string[]; timeoutMs?: number; signal?: AbortSignal }): EngineContext;
}

export const ENGINE_ROUTES: Route[] = [
  ...corporaRoutes,
  ...apiKeyRoutes,
  ...appClientRoutes,
  ...documentRoutes,
  ...uploadRoutes,
  ...queryRoutes,
  ...presetRoutes,
  ...metadataQueryRoutes,
  ...jobRoutes,
  ...catalogRoutes,
  ...chatRoutes,
  ...queryHistoryRoutes,
  ...summarizeRoutes,
  ...evaluateRoutes,
];

export function createEngine(options: EngineOptions): Engine {
  const log = options.log ?? ((m: string) => console.log(m));
  const tokenTtlSeconds = options.oauthTokenTtlSeconds ?? 3600;
  if (!Number.isInteger(tokenTtlSeconds) || tokenTtlSeconds < 1 || tokenTtlSeconds > 86_400) {
    throw new RangeError("oauthTokenTtlSeconds must be a whole number from 1 to 86400");
  }
  const db = openDatabase(options.inMemory ? ":memory:" : path.join(options.dataDir, "engine.db"));
  const apiKey = options.localApiKey ?? loadOrCreateKey(options.dataDir, log, options.inMemory);
  ensurePersonalKey(db, "local personal key", apiKey);
  if (options.appClient) {
    ensureAppClient(db, {
      name: "local app client",
      clientId: options.appClient.clientId,
      clientSecret: options.appClient.clientSecret,
      role: options.appClient.role ?? "personal",
    });
  }
  const queryHistory = {
    maxAgeDays: options.queryHistory?.maxAgeDays ?? DEFAULT_RETENTION.maxAgeDays,
    maxRows: options.queryHistory?.maxRows ?? DEFAULT_RETENTION.maxRows,
  };
  const { maxAgeDays, maxRows } = queryHistory;
  if (!(maxAgeDays > 0) || !Number.isInteger(maxRows) || maxRows < 1) {
    throw new RangeError("queryHistory needs maxAgeDays > 0 and a whole maxRows of at least 1");
  }
  const generator = createGenerator({ llm: options.llm });
  const services: EngineServices = {
    embedder: options.embedder,
    lexicon: options.lexicon === false ? undefined : (options.lexicon ?? createWordNet()),
    wordnetSynonyms: options.wordnetSynonyms === true,
    generate: generator.generate,
    rephrase: generator.rephrase,
    extractFilter: generator.extractFilter,
    presets: generator.presets,
    queryHistory,
    llms: generator.llms,
    log,
  };
  const state = createEngineState();
  const handle = createHandler(
    new Router().add(ENGINE_ROUTES),
    db,
    services,
    { tokenTtlSeconds },
    state,
  );
  return {
    handle,
    apiKey,
    db,
    // The WAL checkpointed and truncated first: a stopped engine leaves no -wal behind.
    close: () => closeDatabase(db),
    context: (caller = {}) => ({
      db,
      services,
      state,
      scope: caller.scope,
      deadline: new Deadline(caller.timeoutMs),
      signal: caller.signal ?? new AbortController().signal,
      log,
    }),
    indexDocuments: async (corpusKey, documents) => indexDocumentBatch(db, corpusKey, documents),
  };
}

function loadOrCreateKey(dataDir: string, log: (m: string) => void, inMemory?: boolean): string {
  const file = path.join(dataDir, "local-api-key");
  if (!inMemory && existsSync(file)) return readFileSync(file, "utf8").trim();
  const secret = generateSecret("personal");
  if (!inMemory) {
    writeFileSync(file, `${secret}\n`, { mode: 0o600 });
    log(
      `Parley engine: generated a personal API key for the local /v2 API: ${secret}\n  (stored in ${file})`,
    );
  }
  return secret;
}
