import { parentPort, workerData } from "node:worker_threads";
import { createEngine } from "../index";
import { createEmbedder } from "../providers/embeddings";
import { createLlm } from "../providers/llm";
import type { FromWorker, ToWorker, WorkerEngineConfig } from "./protocol";

/**
 * One engine worker: its own engine and SQLite connection on the shared database
 * (WAL: readers run in parallel, writers take turns under the busy timeout). It
 * answers the pool's requests with the engine's own `handle`, so the HTTP surface is
 * the same as in-process, and streams each response back chunk by chunk.
 */
const port = parentPort;
if (!port) throw new Error("lib/engine/worker/worker.ts runs only as a worker thread");
const config = (workerData as { engine: WorkerEngineConfig }).engine;
const post = (message: FromWorker, transfer: ArrayBuffer[] = []) =>
  port.postMessage(message, transfer);

const engine = createEngine({
  dataDir: config.dataDir,
  localApiKey: config.localApiKey,
  wordnetSynonyms: config.wordnetSynonyms,
  lexicon: config.lexicon === false ? false : undefined,
  oauthTokenTtlSeconds: config.oauthTokenTtlSeconds,
  embedder: config.embedding ? createEmbedder(config.embedding) : undefined,
  llm: config.llm ? createLlm(config.llm) : undefined,
  log: (message) => post({ type: "log", message }),
});

const inFlight = new Map<number, AbortController>();

async function answer(message: Extract<ToWorker, { type: "request" }>): Promise<void> {
  const abort = new AbortController();
  inFlight.set(message.id, abort);
  try {
    const request = new Request(message.url, {
      method: message.method,
      headers: message.headers,
      body: message.body,
      signal: abort.signal,
    });
    const response = await engine.handle(request);
    post({ type: "head", id: message.id, status: response.status, headers: [...response.headers] });
    if (response.body) {
      const reader = response.body.getReader();
      abort.signal.addEventListener("abort", () => void reader.cancel().catch(() => {}), {
        once: true,
      });
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        // A copy the worker gives away: transferred, not cloned.
        const data = value.slice();
        post({ type: "chunk", id: message.id, data }, [data.buffer as ArrayBuffer]);
      }
    }
    post({ type: "end", id: message.id });
  } catch (error) {
    post({ type: "failed", id: message.id, message: String((error as Error)?.message ?? error) });
  } finally {
    inFlight.delete(message.id);
  }
}

port.on("message", (message: ToWorker) => {
  if (message.type === "request") void answer(message);
  else if (message.type === "abort") inFlight.get(message.id)?.abort();
  else if (message.type === "close") {
    for (const abort of inFlight.values()) abort.abort();
    engine.close();
    post({ type: "closed" });
    port.close();
  }
});

post({ type: "ready" });
