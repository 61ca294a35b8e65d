import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import { EngineError, errors } from "../core/errors";
import { errorResponse, newRequestId } from "../http/respond";
import type { FromWorker, ToWorker, WorkerEngineConfig } from "./protocol";

/**
 * The engine off the request thread. Every request goes to one of a few worker
 * threads, each with its own engine on the shared SQLite database, so a heavy search,
 * upload or listing never holds the thread that serves pages, health checks and other
 * visitors' streams. The pool:
 *
 * - queues requests (bounded: a full queue answers 503 with `Retry-After`) and gives
 *   each worker `slotsPerWorker` at a time: one when the engine is CPU-bound
 *   (extractive answers), more when it mostly waits on a model endpoint;
 * - sends every turn, listing or change of one chat (`/v2/chats/{id}/…`) to the same
 *   worker, whose per-chat lock then orders them as it does in one process;
 * - bounds every request: the engine's own deadline (`Request-Timeout`, else the
 *   pool's default) stops cooperative work with a 408; when a worker overruns that by
 *   `graceMs` (a CPU-bound step that cannot check a deadline), the pool answers 408
 *   itself, and a worker that still has not let go after another `graceMs` is
 *   terminated and replaced; its other requests get a 503;
 * - turns a worker that dies into 503s for its requests (Vectara's error shape, never
 *   a hang), and starts a new one.
 */

export interface EnginePoolOptions {
  engine: WorkerEngineConfig;
  /** Worker threads; default: the machine's parallelism, from 1 to 4. */
  size?: number;
  /** Requests one worker runs at once; default 1 (CPU-bound), 8 with an LLM or embeddings. */
  slotsPerWorker?: number;
  /** Requests waiting for a worker before new ones get a 503; default 512. */
  maxQueue?: number;
  /** The budget of a request that sends no `Request-Timeout`; default 10 s. */
  requestTimeoutMs?: number;
  /** The most a `Request-Timeout` may ask for; default 60 s. */
  maxRequestTimeoutMs?: number;
  /** How long past its budget a worker may hold a request before the pool steps in; default 1 s. */
  graceMs?: number;
  /** The worker script; default: the built bundle in production, the TypeScript source otherwise. */
  entry?: string;
  log?: (message: string) => void;
}

export interface EnginePoolStats {
  workers: number;
  busy: number;
  queued: number;
  /** Workers started to replace one that stopped or was stopped. */
  restarts: number;
}

export interface EnginePool {
  handle(request: Request): Promise<Response>;
  stats(): EnginePoolStats;
  /** Refuses new requests, closes every worker's database and ends the threads. */
  close(): Promise<void>;
}

/** JSON bodies may be 20 MB (`http/context.ts`), uploads 10 MB plus their form. */
const MAX_BODY_BYTES = 21 * 1024 * 1024;

interface Job {
  id: number;
  method: string;
  url: string;
  headers: Array<[string, string]>;
  body: ArrayBuffer | null;
  affinity: number | undefined;
  budgetMs: number;
  /** When the pool answers for the worker: budget plus grace, from arrival. */
  expiresAt: number;
  requestId: string;
  resolve: (response: Response) => void;
  /** Set once the head is out: the body's stream. */
  stream?: ReadableStreamDefaultController<Uint8Array>;
  eventStream?: boolean;
  settled: boolean;
  slot?: Slot;
  timer?: NodeJS.Timeout;
  detach?: () => void;
}

interface Slot {
  index: number;
  worker: Worker;
  ready: boolean;
  jobs: Map<number, Job>;
  closing: boolean;
}

export function createEnginePool(options: EnginePoolOptions): EnginePool {
  const size = options.size ?? Math.max(1, Math.min(4, availableParallelism()));
  const modelBound = Boolean(options.engine.llm || options.engine.embedding);
  const slotsPerWorker = options.slotsPerWorker ?? (modelBound ? 8 : 1);
  const maxQueue = options.maxQueue ?? 512;
  const defaultBudget = options.requestTimeoutMs ?? 10_000;
  const maxBudget = Math.max(defaultBudget, options.maxRequestTimeoutMs ?? 60_000);
  const graceMs = options.graceMs ?? 1_000;
  const log = options.log ?? ((m: string) => console.log(m));
  const entry = options.entry ?? defaultEntry();

  const slots: Slot[] = [];
  const queue: Job[] = [];
  let nextId = 1;
  let restarts = 0;
  let closed = false;
  /** Consecutive failed starts, for a backoff that keeps a broken setup from spinning. */
  let failedStarts = 0;

  function start(index: number): Slot {
    // The ignore comments keep Next's bundler from treating the script as a module to
    // bundle (it would trace the whole project): the worker loads its own file at run time.
    const worker = entry.endsWith(".ts")
      ? new Worker(/* turbopackIgnore: true */ bootFile(), {
          workerData: { engine: options.engine, entry: pathToFileURL(entry).href },
        })
      : new Worker(/* turbopackIgnore: true */ entry, { workerData: { engine: options.engine } });
    const slot: Slot = { index, worker, ready: false, jobs: new Map(), closing: false };
    worker.on("message", (message: FromWorker) => onMessage(slot, message));
    worker.on("error", (error) => {
      log(`engine: worker ${index} failed: ${String(error?.stack ?? error)}`);
    });
    worker.on("exit", (code) => onExit(slot, code));
    slots[index] = slot;
    return slot;
  }

  function onMessage(slot: Slot, message: FromWorker): void {
    switch (message.type) {
      case "ready":
        slot.ready = true;
        failedStarts = 0;
        dispatch();
        return;
      case "log":
        log(message.message);
        return;
      case "closed":
        return;
      case "head": {
        const job = slot.jobs.get(message.id);
        if (!job || job.settled) return;
        const headers = new Headers(message.headers);
        job.eventStream = headers.get("content-type")?.startsWith("text/event-stream") ?? false;
        const body = new ReadableStream<Uint8Array>({
          start(controller) {
            job.stream = controller;
          },
          cancel() {
            // The caller stopped reading: the worker stops producing.
            if (slot.jobs.has(job.id)) send(slot, { type: "abort", id: job.id });
          },
        });
        const status = message.status;
        settle(
          job,
          new Response(status === 204 || status === 304 ? null : body, { status, headers }),
        );
        if (status === 204 || status === 304) job.stream = undefined;
        return;
      }
      case "chunk": {
        const job = slot.jobs.get(message.id);
        try {
          job?.stream?.enqueue(message.data);
        } catch {
          // The caller cancelled; the abort is on its way to the worker.
        }
        return;
      }
      case "end":
      case "failed": {
        const job = slot.jobs.get(message.id);
        if (!job) return;
        if (message.type === "failed") {
          log(
            `engine: request ${job.requestId} failed in worker ${slot.index}: ${message.message}`,
          );
        }
        finish(slot, job, () =>
          message.type === "end"
            ? undefined
            : errors.unavailable("The engine could not finish this request; try again"),
        );
        return;
      }
    }
  }

  function onExit(slot: Slot, code: number): void {
    if (slots[slot.index] !== slot) return;
    const stopping = closed || slot.closing;
    const wasReady = slot.ready;
    slot.ready = false;
    if (!stopping) {
      log(`engine: worker ${slot.index} stopped (exit code ${code}); starting a new one`);
    }
    if (!wasReady && !stopping) failedStarts++;
    for (const job of [...slot.jobs.values()]) {
      finish(slot, job, () =>
        errors.unavailable("The engine's worker stopped while answering; try again"),
      );
    }
    if (closed) return;
    restarts++;
    const delay = failedStarts === 0 ? 0 : Math.min(30_000, 250 * 2 ** (failedStarts - 1));
    const restart = () => {
      if (!closed && slots[slot.index] === slot) start(slot.index);
    };
    if (delay === 0) restart();
    else setTimeout(restart, delay).unref();
  }

  function send(slot: Slot, message: ToWorker, transfer: ArrayBuffer[] = []): void {
    try {
      slot.worker.postMessage(message, transfer);
    } catch {
      // The worker is gone; its exit handler answers its requests.
    }
  }

  /** Answers a job that has no response yet, or ends the stream of one that has. */
  function finish(slot: Slot | undefined, job: Job, failure: () => EngineError | undefined): void {
    slot?.jobs.delete(job.id);
    clearTimeout(job.timer);
    job.detach?.();
    const error = failure();
    if (!job.settled) {
      settle(job, errorResponse(error ?? errors.unavailable("No response"), job.requestId));
    } else if (job.stream) {
      const stream = job.stream;
      job.stream = undefined;
      try {
        if (error && job.eventStream) {
          const event = (type: string, extra: object = {}) =>
            new TextEncoder().encode(
              `event:${type}\ndata:${JSON.stringify({ type, ...extra })}\n\n`,
            );
          stream.enqueue(event("error", { messages: [error.message] }));
          stream.enqueue(event("end"));
          stream.close();
        } else if (error) {
          stream.error(error);
        } else {
          stream.close();
        }
      } catch {
        // Already cancelled by the caller.
      }
    }
    dispatch();
  }

  function settle(job: Job, response: Response): void {
    if (job.settled) return;
    job.settled = true;
    if (!response.headers.has("x-request-id")) response.headers.set("x-request-id", job.requestId);
    job.resolve(response);
  }

  /** Past budget plus grace: answer for the worker; past another grace, replace it. */
  function expire(job: Job): void {
    const slot = job.slot;
    if (!slot) {
      removeQueued(job);
      finish(undefined, job, () =>
        errors.unavailable("The engine is busy and could not start this request in time"),
      );
      return;
    }
    send(slot, { type: "abort", id: job.id });
    if (!job.settled) settle(job, errorResponse(errors.timeout(job.budgetMs), job.requestId));
    else if (job.stream) finish(undefined, job, () => errors.timeout(job.budgetMs));
    // Still held: the worker's thread is stuck in work it cannot interrupt.
    job.timer = setTimeout(() => {
      if (!slot.jobs.has(job.id) || slots[slot.index] !== slot) return;
      log(
        `engine: worker ${slot.index} still held request ${job.requestId} ${graceMs} ms after its timeout; replacing the worker`,
      );
      slot.closing = false;
      void slot.worker.terminate();
    }, graceMs);
    job.timer.unref();
  }

  function removeQueued(job: Job): void {
    const i = queue.indexOf(job);
    if (i >= 0) queue.splice(i, 1);
  }

  function dispatch(): void {
    for (let i = 0; i < queue.length; ) {
      const job = queue[i] as Job;
      const slot = pick(job);
      if (!slot) {
        i++;
        continue;
      }
      queue.splice(i, 1);
      job.slot = slot;
      slot.jobs.set(job.id, job);
      const transfer = job.body ? [job.body] : [];
      send(
        slot,
        {
          type: "request",
          id: job.id,
          method: job.method,
          url: job.url,
          headers: job.headers,
          body: job.body,
        },
        transfer,
      );
      job.body = null;
    }
  }

  function pick(job: Job): Slot | undefined {
    const free = (s: Slot | undefined) =>
      s?.ready === true && !s.closing && s.jobs.size < slotsPerWorker;
    if (job.affinity !== undefined) {
      const s = slots[job.affinity % slots.length];
      return free(s) ? s : undefined;
    }
    let best: Slot | undefined;
    for (const s of slots) if (free(s) && (!best || s.jobs.size < best.jobs.size)) best = s;
    return best;
  }

  for (let i = 0; i < size; i++) start(i);

  async function handle(request: Request): Promise<Response> {
    const requestId = newRequestId();
    try {
      if (closed) throw errors.unavailable("The engine is shutting down", 5);
      if (queue.length >= maxQueue) {
        throw errors.unavailable("The engine is busy: too many requests are waiting; try again");
      }
      const budgetMs = budgetOf(request.headers, defaultBudget, maxBudget);
      const body = await readBody(request);
      if (queue.length >= maxQueue) {
        throw errors.unavailable("The engine is busy: too many requests are waiting; try again");
      }
      const headers = [...request.headers] as Array<[string, string]>;
      // The engine's own deadline: cooperative work stops with a 408 before the pool must step in.
      if (
        !request.headers.has("request-timeout") &&
        !request.headers.has("request-timeout-millis")
      ) {
        headers.push(["request-timeout-millis", String(budgetMs)]);
      }
      return await new Promise<Response>((resolve) => {
        const job: Job = {
          id: nextId++,
          method: request.method,
          url: request.url,
          headers,
          body,
          affinity: affinityOf(request.url),
          budgetMs,
          expiresAt: Date.now() + budgetMs + graceMs,
          requestId,
          resolve,
          settled: false,
        };
        job.timer = setTimeout(() => expire(job), budgetMs + graceMs);
        job.timer.unref();
        const onAbort = () => {
          if (job.slot) send(job.slot, { type: "abort", id: job.id });
          else {
            removeQueued(job);
            finish(undefined, job, () => errors.badRequest("The request was aborted"));
          }
        };
        if (request.signal.aborted) {
          onAbort();
          return;
        }
        request.signal.addEventListener("abort", onAbort, { once: true });
        job.detach = () => request.signal.removeEventListener("abort", onAbort);
        queue.push(job);
        dispatch();
      });
    } catch (error) {
      if (error instanceof EngineError) return errorResponse(error, requestId);
      log(`engine: the pool could not take ${request.method} ${request.url}: ${String(error)}`);
      return errorResponse(errors.unavailable("The engine could not take this request"), requestId);
    }
  }

  return {
    handle,
    stats: () => ({
      workers: slots.filter((s) => s.ready).length,
      busy: slots.reduce((n, s) => n + s.jobs.size, 0),
      queued: queue.length,
      restarts,
    }),
    async close() {
      if (closed) return;
      closed = true;
      for (const job of queue.splice(0)) {
        finish(undefined, job, () => errors.unavailable("The engine is shutting down", 5));
      }
      await Promise.all(
        slots.map(
          (slot) =>
            new Promise<void>((resolve) => {
              slot.closing = true;
              slot.worker.once("exit", () => resolve());
              send(slot, { type: "close" });
              // A worker stuck in work cannot close its database; it is stopped.
              setTimeout(() => void slot.worker.terminate(), 2_000).unref();
            }),
        ),
      );
    },
  };
}

/** `Request-Timeout(-Millis)` when valid (the engine answers a bad one with a 400), capped. */
function budgetOf(headers: Headers, fallback: number, max: number): number {
  const millis = headers.get("request-timeout-millis")?.trim();
  const seconds = headers.get("request-timeout")?.trim();
  const asked =
    millis && /^\d{1,10}$/.test(millis)
      ? Number(millis)
      : seconds && /^\d{1,7}$/.test(seconds)
        ? Number(seconds) * 1000
        : undefined;
  return asked !== undefined && asked >= 1 ? Math.min(asked, max) : fallback;
}

/** Reads the body on this thread (I/O only) with a cap, so the worker gets bytes. */
async function readBody(request: Request): Promise<ArrayBuffer | null> {
  if (!request.body || request.method === "GET" || request.method === "HEAD") return null;
  const declared = Number(request.headers.get("content-length") ?? "0");
  const tooLarge = () =>
    errors.payloadTooLarge(`The request body is over ${MAX_BODY_BYTES / 1024 / 1024} MB`);
  if (declared > MAX_BODY_BYTES) throw tooLarge();
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = request.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > MAX_BODY_BYTES) {
      await reader.cancel().catch(() => {});
      throw tooLarge();
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    bytes.set(c, at);
    at += c.byteLength;
  }
  return bytes.buffer;
}

/** Requests about one chat go to one worker, whose chat lock orders them. */
function affinityOf(url: string): number | undefined {
  const match = /\/v2\/chats\/([^/?#]+)/.exec(new URL(url).pathname);
  if (!match) return undefined;
  let hash = 0;
  for (const ch of match[1] as string) hash = (hash * 31 + (ch.codePointAt(0) ?? 0)) >>> 0;
  return hash;
}

/**
 * The worker script: `PARLEY_ENGINE_WORKER` when set; in production the bundle that
 * `scripts/build-bundles.mjs` writes next to the Next build; otherwise the
 * TypeScript source, run through tsx.
 */
function defaultEntry(): string {
  const explicit = process.env.PARLEY_ENGINE_WORKER?.trim();
  if (explicit) return path.resolve(explicit);
  const root = /* turbopackIgnore: true */ process.cwd();
  const bundle = path.join(/* turbopackIgnore: true */ root, ".next/engine-worker/worker.mjs");
  if (process.env.NODE_ENV === "production" && existsSync(bundle)) return bundle;
  return path.join(/* turbopackIgnore: true */ root, "lib/engine/worker/worker.ts");
}

/** Registers tsx in the worker, then loads a TypeScript entry (`boot.mjs`). */
const bootFile = () =>
  path.join(/* turbopackIgnore: true */ process.cwd(), "lib/engine/worker/boot.mjs");
