/**
 * Messages between the engine pool (main thread) and its workers. Only plain,
 * structured-cloneable data crosses: a request's method, URL, headers and body
 * bytes go in; a response's head, body chunks and end come back.
 */

/** What a worker needs to open its own engine on the shared database. */
export interface WorkerEngineConfig {
  dataDir: string;
  /** Resolved by the main thread's engine, which also ran the migrations. */
  localApiKey: string;
  llm?: { baseURL: string; model: string; apiKey?: string };
  embedding?: { baseURL: string; model: string };
  wordnetSynonyms?: boolean;
  /** `false` turns WordNet off, as `createEngine({ lexicon: false })`. */
  lexicon?: boolean;
  oauthTokenTtlSeconds?: number;
}

export type ToWorker =
  | {
      type: "request";
      id: number;
      method: string;
      url: string;
      headers: Array<[string, string]>;
      body: ArrayBuffer | null;
    }
  | { type: "abort"; id: number }
  | { type: "close" };

export type FromWorker =
  | { type: "ready" }
  | { type: "head"; id: number; status: number; headers: Array<[string, string]> }
  | { type: "chunk"; id: number; data: Uint8Array }
  | { type: "end"; id: number }
  | { type: "failed"; id: number; message: string }
  | { type: "log"; message: string }
  | { type: "closed" };
