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
      // Chunks ready together go out as one message: an extractive answer is produced at
      // once, and every message costs the main thread a wake-up; a model's tokens, which
      // arrive apart, still go out as they come.
      const batch = new ChunkBatch((data) =>
        post({ type: "chunk", id: message.id, data }, [data.buffer as ArrayBuffer]),
      );
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        batch.add(value);
      }
      batch.flush();
    }
    post({ type: "end", id: message.id });
  } catch (error) {
    post({ type: "failed", id: message.id, message: String((error as Error)?.message ?? error) });
  } finally {
    inFlight.delete(message.id);
  }
}

/** Gathers the chunks read within one turn of the event loop (up to 256 KB) into one. */
class ChunkBatch {
  private chunks: Uint8Array[] = [];
  private size = 0;
  private scheduled: NodeJS.Immediate | undefined;
  constructor(private readonly send: (data: Uint8Array) => void) {}

  add(chunk: Uint8Array): void {
    this.chunks.push(chunk);
    this.size += chunk.byteLength;
    if (this.size >= 256 * 1024) this.flush();
    else this.scheduled ??= setImmediate(() => this.flush());
  }

  flush(): void {
    if (this.scheduled) clearImmediate(this.scheduled);
    this.scheduled = undefined;
    if (this.size === 0) return;
    const data = new Uint8Array(this.size);
    let at = 0;
    for (const c of this.chunks) {
      data.set(c, at);
      at += c.byteLength;
    }
    this.chunks = [];
    this.size = 0;
    this.send(data);
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
