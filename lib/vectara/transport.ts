import type { z } from "zod";
import type { AuthProvider, FetchLike } from "./auth";
import {
  AbortError,
  APIError,
  ConnectionError,
  makeAPIError,
  ProtocolError,
  parseRetryAfter,
  TimeoutError,
  VectaraError,
} from "./errors";
import { decodeSSE, type SSEMessage } from "./sse";

/** Per-call options, last argument of every resource method. */
export interface RequestOptions {
  /** Seconds; sent as `Request-Timeout` and enforced on the client. */
  timeout?: number;
  /** Milliseconds; sent as `Request-Timeout-Millis` and enforced on the client. Wins over `timeout`. */
  timeoutMillis?: number;
  /** Retries for requests that are safe to repeat. */
  maxRetries?: number;
  signal?: AbortSignal;
}

export interface TransportOptions {
  baseUrl: string;
  fetch: FetchLike;
  auth?: AuthProvider;
  customerId?: string;
  /** Client-side timeout when the call names none. */
  timeoutMs: number;
  maxRetries: number;
  retryBaseDelayMs: number;
  retryMaxDelayMs: number;
  /** A `Retry-After` longer than this is not waited out: the error is thrown. */
  maxRetryAfterMs: number;
}

export type Query = Record<string, string | number | boolean | string[] | undefined>;

export interface Call {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  path: string;
  query?: Query;
  /** A JSON value, or FormData for multipart uploads. */
  body?: unknown;
  /**
   * Whether the call may be repeated after a failure. Chat and turn creation are
   * not: a retry after a lost response would add a second turn.
   */
  idempotent: boolean;
}

const RETRYABLE_STATUS = (s: number) => s === 408 || s === 429 || s >= 500;

export class Transport {
  constructor(private readonly options: TransportOptions) {}

  async json<S extends z.ZodType>(
    call: Call,
    schema: S,
    opts?: RequestOptions,
  ): Promise<z.infer<S>> {
    const { response, deadline } = await this.send(call, opts, "application/json");
    try {
      const text = await deadline.race(response.text());
      return parseJson(text, schema, `${call.method} ${call.path}`);
    } finally {
      deadline.clear();
    }
  }

  async empty(call: Call, opts?: RequestOptions): Promise<void> {
    const { response, deadline } = await this.send(call, opts, "application/json");
    try {
      await deadline.race(response.arrayBuffer());
    } finally {
      deadline.clear();
    }
  }

  /**
   * Starts an SSE request. Resolves once the response headers arrive (so HTTP errors
   * throw here, before any event); the messages then stream. Each read restarts the
   * timeout, so a stalled stream fails instead of hanging. Returning early from the
   * iteration aborts the request and closes the connection.
   */
  async stream(call: Call, opts?: RequestOptions): Promise<AsyncGenerator<SSEMessage, void>> {
    const { response, deadline } = await this.send(call, opts, "text/event-stream");
    const type = response.headers.get("content-type") ?? "";
    if (!type.includes("text/event-stream")) {
      deadline.abort();
      throw new ProtocolError(
        "unexpected_content_type",
        `Expected an event stream from ${call.method} ${call.path}, got "${type || "no content type"}"`,
      );
    }
    if (!response.body) {
      deadline.abort();
      throw new ProtocolError("truncated_stream", "The event stream has no body");
    }
    return readStream(response.body, deadline);
  }

  private async send(
    call: Call,
    opts: RequestOptions | undefined,
    accept: string,
  ): Promise<{ response: Response; deadline: Deadline }> {
    const maxRetries = call.idempotent ? (opts?.maxRetries ?? this.options.maxRetries) : 0;
    const timeoutMs =
      opts?.timeoutMillis ??
      (opts?.timeout !== undefined ? opts.timeout * 1000 : this.options.timeoutMs);
    const url = this.url(call);
    let reauthenticated = false;

    for (let attempt = 0; ; attempt++) {
      const deadline = new Deadline(timeoutMs, opts?.signal);
      let sent = false;
      let response: Response;
      try {
        const headers = await deadline.race(this.headers(call, opts, accept, deadline.signal));
        sent = true;
        response = await deadline.race(
          this.options.fetch(
            new Request(url, {
              method: call.method,
              headers,
              body: encodeBody(call.body),
              signal: deadline.signal,
            }),
          ),
        );
      } catch (raw) {
        deadline.clear();
        const error = deadline.explain(raw);
        const retryable =
          error instanceof TimeoutError ||
          error instanceof ConnectionError ||
          (error instanceof APIError && RETRYABLE_STATUS(error.status));
        // A failed token request sent nothing to the API, so any call may try again.
        const budget = sent ? maxRetries : (opts?.maxRetries ?? this.options.maxRetries);
        if (retryable && attempt < budget) {
          await sleep(this.backoff(attempt), opts?.signal);
          continue;
        }
        throw error;
      }

      if (response.ok) return { response, deadline };

      let error: APIError;
      try {
        const text = await deadline.race(response.text());
        error = makeAPIError(response.status, safeJson(text), response.headers, snippet(text));
      } catch (raw) {
        throw deadline.explain(raw);
      } finally {
        deadline.clear();
      }

      // An expired or revoked token: fetch a new one and try once more. The API
      // refused the request, so repeating it cannot duplicate anything.
      if (error.status === 401 && this.options.auth?.invalidate && !reauthenticated) {
        reauthenticated = true;
        this.options.auth.invalidate();
        attempt--;
        continue;
      }
      if (RETRYABLE_STATUS(error.status) && attempt < maxRetries) {
        const retryAfter = parseRetryAfter(response.headers);
        if (retryAfter !== undefined && retryAfter > this.options.maxRetryAfterMs) throw error;
        await sleep(retryAfter ?? this.backoff(attempt), opts?.signal);
        continue;
      }
      throw error;
    }
  }

  private async headers(
    call: Call,
    opts: RequestOptions | undefined,
    accept: string,
    signal: AbortSignal,
  ): Promise<Headers> {
    const headers = new Headers({ accept });
    if (call.body !== undefined && !(call.body instanceof FormData)) {
      headers.set("content-type", "application/json");
    }
    if (this.options.customerId) headers.set("customer-id", this.options.customerId);
    if (opts?.timeout !== undefined) headers.set("Request-Timeout", String(opts.timeout));
    if (opts?.timeoutMillis !== undefined) {
      headers.set("Request-Timeout-Millis", String(opts.timeoutMillis));
    }
    if (this.options.auth) {
      for (const [k, v] of Object.entries(await this.options.auth.headers(signal))) {
        headers.set(k, v);
      }
    }
    return headers;
  }

  private url(call: Call): string {
    const url = new URL(this.options.baseUrl.replace(/\/+$/, "") + call.path);
    for (const [key, value] of Object.entries(call.query ?? {})) {
      if (value === undefined) continue;
      if (Array.isArray(value)) for (const v of value) url.searchParams.append(key, v);
      else url.searchParams.set(key, String(value));
    }
    return url.toString();
  }

  /** Exponential backoff with jitter: up to a quarter of each delay is random. */
  private backoff(attempt: number): number {
    const delay = Math.min(
      this.options.retryMaxDelayMs,
      this.options.retryBaseDelayMs * 2 ** attempt,
    );
    return delay * (1 - Math.random() * 0.25);
  }
}

/**
 * One attempt's time budget, tied to the caller's signal. Its `signal` aborts the
 * fetch (and the body) on timeout, on caller abort, or when the reader stops early.
 */
class Deadline {
  private readonly controller = new AbortController();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private timedOut = false;
  private readonly onCallerAbort = () => this.controller.abort();

  constructor(
    private readonly timeoutMs: number,
    private readonly callerSignal: AbortSignal | undefined,
  ) {
    if (callerSignal?.aborted) this.controller.abort();
    callerSignal?.addEventListener("abort", this.onCallerAbort, { once: true });
    this.restart();
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  restart(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timedOut = true;
      this.controller.abort();
    }, this.timeoutMs);
  }

  clear(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.callerSignal?.removeEventListener("abort", this.onCallerAbort);
  }

  abort(): void {
    this.clear();
    this.controller.abort();
  }

  /**
   * Settles with `promise`, or rejects as soon as the deadline aborts. Some fetch
   * implementations (an in-process handler among them) ignore the signal, so the
   * race is what guarantees that a timeout fires.
   */
  race<T>(promise: Promise<T>): Promise<T> {
    const signal = this.controller.signal;
    if (signal.aborted) {
      // The losing promise still settles later; its rejection is expected, not news.
      promise.catch(() => undefined);
      return Promise.reject(this.explain(undefined));
    }
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => reject(this.explain(undefined));
      signal.addEventListener("abort", onAbort, { once: true });
      promise.then(
        (v) => {
          signal.removeEventListener("abort", onAbort);
          resolve(v);
        },
        (e) => {
          signal.removeEventListener("abort", onAbort);
          reject(e);
        },
      );
    });
  }

  /** Turns whatever a failed fetch or read threw into the client's vocabulary. */
  explain(raw: unknown): VectaraError {
    if (raw instanceof VectaraError) return raw;
    if (this.callerSignal?.aborted) return new AbortError();
    if (this.timedOut) return new TimeoutError(this.timeoutMs);
    const message = raw instanceof Error ? causeMessage(raw) : String(raw);
    return new ConnectionError(message, { cause: raw });
  }
}

async function* readStream(
  body: ReadableStream<Uint8Array>,
  deadline: Deadline,
): AsyncGenerator<SSEMessage, void> {
  const reader = body.getReader();
  let finished = false;
  async function* chunks(): AsyncGenerator<Uint8Array> {
    for (;;) {
      deadline.restart();
      let result: ReadableStreamReadResult<Uint8Array>;
      try {
        result = await deadline.race(reader.read());
      } catch (raw) {
        throw deadline.explain(raw);
      }
      if (result.done) {
        finished = true;
        return;
      }
      yield result.value;
    }
  }
  try {
    yield* decodeSSE(chunks());
  } finally {
    deadline.clear();
    if (!finished) {
      // The consumer stopped early or the read failed: close the connection.
      deadline.abort();
      reader.cancel().catch(() => undefined);
    }
    reader.releaseLock();
  }
}

function encodeBody(body: unknown): BodyInit | undefined {
  if (body === undefined) return undefined;
  if (body instanceof FormData) return body;
  return JSON.stringify(body);
}

function parseJson<S extends z.ZodType>(text: string, schema: S, what: string): z.infer<S> {
  const json = safeJson(text);
  if (json === undefined) {
    throw new ProtocolError(
      "invalid_json",
      `${what} returned a body that is not JSON: ${snippet(text)}`,
    );
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ProtocolError(
      "invalid_shape",
      `${what} returned an unexpected shape at ${issue?.path.join(".") || "(root)"}: ${issue?.message}`,
      { cause: parsed.error },
    );
  }
  return parsed.data;
}

function safeJson(text: string): unknown {
  if (text.trim() === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function snippet(text: string): string | undefined {
  const t = text.trim();
  if (!t) return undefined;
  return t.length > 200 ? `${t.slice(0, 200)}…` : t;
}

function causeMessage(error: Error): string {
  const cause = (error as { cause?: unknown }).cause;
  if (cause instanceof Error && cause.message) return `${error.message} (${cause.message})`;
  return error.message;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new AbortError());
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new AbortError());
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
