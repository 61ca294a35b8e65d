import { type AuthProvider, apiKeyAuth, type FetchLike, OAuthClientCredentials } from "./auth";
import { Encoders, Llms, Rerankers } from "./resources/catalog";
import { Chats } from "./resources/chats";
import { Corpora } from "./resources/corpora";
import { Documents } from "./resources/documents";
import { FactualConsistencyEvaluation } from "./resources/factual-consistency";
import { GenerationPresets } from "./resources/generation-presets";
import { Jobs } from "./resources/jobs";
import { Metadata } from "./resources/metadata";
import { Queries } from "./resources/queries";
import { Query } from "./resources/query";
import { Turns } from "./resources/turns";
import { Upload } from "./resources/upload";
import { Transport } from "./transport";

export type VectaraAuth =
  | { type: "api_key"; apiKey: string }
  | { type: "oauth"; clientId: string; clientSecret: string; tokenUrl: string }
  | { type: "provider"; provider: AuthProvider };

export interface VectaraClientOptions {
  /** Default `https://api.vectara.io`. */
  baseUrl?: string;
  auth?: VectaraAuth;
  /** Sent as the `customer-id` header when set. */
  customerId?: string;
  /**
   * How requests travel. Remote mode uses the global fetch; local mode passes the
   * embedded engine's `handle(request)`, so the same code runs in-process.
   */
  fetch?: FetchLike;
  /** Client-side timeout per attempt when a call names none. Default 60 s. */
  timeoutMs?: number;
  /** Retries of calls that are safe to repeat. Default 2. */
  maxRetries?: number;
  /** First backoff delay; doubles each retry. Default 500 ms. */
  retryBaseDelayMs?: number;
  /** Default 8 s. */
  retryMaxDelayMs?: number;
  /** A longer `Retry-After` is not waited out. Default 60 s. */
  maxRetryAfterMs?: number;
}

export type VectaraClient = ReturnType<typeof createVectaraClient>;

export function createVectaraClient(options: VectaraClientOptions = {}) {
  const fetch: FetchLike = options.fetch ?? ((request) => globalThis.fetch(request));
  const transport = new Transport({
    baseUrl: options.baseUrl ?? "https://api.vectara.io",
    fetch,
    auth: toProvider(options.auth, fetch),
    customerId: options.customerId,
    timeoutMs: options.timeoutMs ?? 60_000,
    maxRetries: options.maxRetries ?? 2,
    retryBaseDelayMs: options.retryBaseDelayMs ?? 500,
    retryMaxDelayMs: options.retryMaxDelayMs ?? 8_000,
    maxRetryAfterMs: options.maxRetryAfterMs ?? 60_000,
  });
  return {
    chats: new Chats(transport),
    turns: new Turns(transport),
    corpora: new Corpora(transport),
    documents: new Documents(transport),
    upload: new Upload(transport),
    query: new Query(transport),
    queries: new Queries(transport),
    generationPresets: new GenerationPresets(transport),
    metadata: new Metadata(transport),
    jobs: new Jobs(transport),
    factualConsistency: new FactualConsistencyEvaluation(transport),
    rerankers: new Rerankers(transport),
    encoders: new Encoders(transport),
    llms: new Llms(transport),
  };
}

function toProvider(auth: VectaraAuth | undefined, fetch: FetchLike): AuthProvider | undefined {
  if (!auth) return undefined;
  switch (auth.type) {
    case "api_key":
      return apiKeyAuth(auth.apiKey);
    case "oauth":
      return new OAuthClientCredentials({ ...auth, fetch });
    case "provider":
      return auth.provider;
  }
}
