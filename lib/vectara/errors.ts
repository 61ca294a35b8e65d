import type { z } from "zod";
import { errorBodySchema } from "./schemas/common";

/**
 * The client's error hierarchy. `makeAPIError` is the one place that turns an HTTP
 * status and Vectara's error body (`messages`, `field_errors`, `request_id`, `id`)
 * into a class; every resource method shares it.
 *
 *   VectaraError
 *   ├── APIError (status)            ── BadRequestError 400/413/415/422
 *   │                                ── UnauthorizedError 401
 *   │                                ── ForbiddenError 403
 *   │                                ── NotFoundError 404
 *   │                                ── ConflictError 409
 *   │                                ── RateLimitError 429
 *   │                                ── ServerError 5xx
 *   ├── ConnectionError   no response (refused, reset, DNS)
 *   ├── TimeoutError      no response within the timeout
 *   ├── AbortError        the caller aborted
 *   ├── StreamError       Vectara sent an `error` event mid-stream
 *   ├── ProtocolError     a response that does not follow the wire contract
 *   └── InvalidRequestError  the request failed validation before it was sent
 */
const KINDS = Symbol.for("parley.vectara.errorKinds");

export class VectaraError extends Error {
  override name = "VectaraError";
  static readonly kind: string = "VectaraError";

  /**
   * `instanceof` that holds across copies of this module. Next bundles lib/vectara
   * into several server bundles, and the client shared on globalThis throws the
   * classes of whichever bundle created it; a plain `instanceof NotFoundError` in a
   * route handler's copy would then be false. Each error carries the kinds of its
   * class chain, and a class matches when its kind is among them.
   */
  static override [Symbol.hasInstance](value: unknown): boolean {
    if (typeof value !== "object" || value === null) return false;
    const kinds = (value as { [KINDS]?: unknown })[KINDS];
    // biome-ignore lint/complexity/noThisInStatic: `this` is the subclass being tested against.
    return Array.isArray(kinds) && kinds.includes(this.kind);
  }

  constructor(message?: string, options?: ErrorOptions) {
    super(message, options);
    const kinds: string[] = [];
    for (
      let c: unknown = new.target;
      typeof c === "function" && c !== Error;
      c = Object.getPrototypeOf(c)
    ) {
      if (Object.hasOwn(c, "kind")) kinds.push((c as unknown as { kind: string }).kind);
    }
    Object.defineProperty(this, KINDS, { value: kinds });
  }
}

export class APIError extends VectaraError {
  override name = "APIError";
  static override readonly kind: string = "APIError";
  readonly status: number;
  readonly messages: string[];
  readonly fieldErrors: Record<string, string>;
  readonly requestId: string | undefined;
  /** For 404s: the id that was not found. */
  readonly missingId: string | undefined;
  readonly headers: Headers;
  readonly body: unknown;

  constructor(status: number, body: unknown, headers: Headers, fallbackText?: string) {
    const parsed = errorBodySchema.safeParse(body);
    const b = parsed.success ? parsed.data : {};
    const messages = b.messages?.length ? b.messages : fallbackText ? [fallbackText] : [];
    const fieldErrors = b.field_errors ?? {};
    super(describeError(status, messages, fieldErrors));
    this.status = status;
    this.messages = messages;
    this.fieldErrors = fieldErrors;
    this.requestId = b.request_id ?? headers.get("x-request-id") ?? undefined;
    this.missingId = b.id ?? undefined;
    this.headers = headers;
    this.body = body;
  }
}

export class BadRequestError extends APIError {
  override name = "BadRequestError";
  static override readonly kind: string = "BadRequestError";
}
export class UnauthorizedError extends APIError {
  override name = "UnauthorizedError";
  static override readonly kind: string = "UnauthorizedError";
}
export class ForbiddenError extends APIError {
  override name = "ForbiddenError";
  static override readonly kind: string = "ForbiddenError";
}
export class NotFoundError extends APIError {
  override name = "NotFoundError";
  static override readonly kind: string = "NotFoundError";
}
export class ConflictError extends APIError {
  override name = "ConflictError";
  static override readonly kind: string = "ConflictError";
}
export class RateLimitError extends APIError {
  override name = "RateLimitError";
  static override readonly kind: string = "RateLimitError";
  /** Milliseconds the server asked us to wait, from `Retry-After`, when it said. */
  get retryAfterMs(): number | undefined {
    return parseRetryAfter(this.headers);
  }
}
export class ServerError extends APIError {
  override name = "ServerError";
  static override readonly kind: string = "ServerError";
}

export class ConnectionError extends VectaraError {
  override name = "ConnectionError";
  static override readonly kind: string = "ConnectionError";
  constructor(message: string, options?: { cause?: unknown }) {
    super(`Could not reach Vectara: ${message}`, options);
  }
}

export class TimeoutError extends VectaraError {
  override name = "TimeoutError";
  static override readonly kind: string = "TimeoutError";
  readonly timeoutMs: number;
  constructor(timeoutMs: number) {
    super(`Vectara did not answer within ${timeoutMs} ms`);
    this.timeoutMs = timeoutMs;
  }
}

export class AbortError extends VectaraError {
  override name = "AbortError";
  static override readonly kind: string = "AbortError";
  constructor() {
    super("The request was aborted");
  }
}

export class StreamError extends VectaraError {
  override name = "StreamError";
  static override readonly kind: string = "StreamError";
  readonly messages: string[];
  constructor(messages: string[]) {
    super(
      messages.length
        ? `Vectara reported an error mid-stream: ${messages.join("; ")}`
        : "Vectara reported an error mid-stream",
    );
    this.messages = messages;
  }
}

export type ProtocolErrorKind =
  | "invalid_json"
  | "invalid_shape"
  | "malformed_stream"
  | "truncated_stream"
  | "unexpected_content_type";

export class ProtocolError extends VectaraError {
  override name = "ProtocolError";
  static override readonly kind: string = "ProtocolError";
  readonly kind: ProtocolErrorKind;
  constructor(kind: ProtocolErrorKind, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.kind = kind;
  }
}

export class InvalidRequestError extends VectaraError {
  override name = "InvalidRequestError";
  static override readonly kind: string = "InvalidRequestError";
  /** Keyed like Vectara's own `field_errors`: `body.search.corpora`, `query.limit`. */
  readonly fieldErrors: Record<string, string>;
  constructor(fieldErrors: Record<string, string>) {
    super(
      `Invalid request: ${Object.entries(fieldErrors)
        .map(([k, v]) => `${k}: ${v}`)
        .join("; ")}`,
    );
    this.fieldErrors = fieldErrors;
  }

  static fromZod(location: "body" | "query" | "path", error: z.ZodError): InvalidRequestError {
    const fieldErrors: Record<string, string> = {};
    for (const issue of error.issues) {
      const key = [location, ...issue.path.map(String)].join(".");
      fieldErrors[key] ??= issue.message;
    }
    return new InvalidRequestError(fieldErrors);
  }
}

/** Builds the right APIError subclass for a non-2xx response. */
export function makeAPIError(
  status: number,
  body: unknown,
  headers: Headers,
  fallbackText?: string,
): APIError {
  const Class = classForStatus(status);
  return new Class(status, body, headers, fallbackText);
}

function classForStatus(status: number): typeof APIError {
  if (status === 401) return UnauthorizedError;
  if (status === 403) return ForbiddenError;
  if (status === 404) return NotFoundError;
  if (status === 409) return ConflictError;
  if (status === 429) return RateLimitError;
  if (status >= 500) return ServerError;
  if (status === 400 || status === 413 || status === 415 || status === 422) return BadRequestError;
  return APIError;
}

/** `Retry-After` as seconds or an HTTP date, or Vectara/OpenAI-style `retry-after-ms`. */
export function parseRetryAfter(headers: Headers, now = Date.now()): number | undefined {
  const ms = headers.get("retry-after-ms");
  if (ms !== null && /^\d+(\.\d+)?$/.test(ms.trim())) return Number(ms);
  const value = headers.get("retry-after");
  if (value === null) return undefined;
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function describeError(status: number, messages: string[], fieldErrors: Record<string, string>) {
  const parts = [...messages, ...Object.entries(fieldErrors).map(([k, v]) => `${k}: ${v}`)];
  return parts.length ? `${status} ${parts.join("; ")}` : `${status} status code (no body)`;
}
