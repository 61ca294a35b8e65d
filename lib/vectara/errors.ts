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
export class VectaraError extends Error {
  override name = "VectaraError";
}

export class APIError extends VectaraError {
  override name = "APIError";
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
}
export class UnauthorizedError extends APIError {
  override name = "UnauthorizedError";
}
export class ForbiddenError extends APIError {
  override name = "ForbiddenError";
}
export class NotFoundError extends APIError {
  override name = "NotFoundError";
}
export class ConflictError extends APIError {
  override name = "ConflictError";
}
export class RateLimitError extends APIError {
  override name = "RateLimitError";
  /** Milliseconds the server asked us to wait, from `Retry-After`, when it said. */
  get retryAfterMs(): number | undefined {
    return parseRetryAfter(this.headers);
  }
}
export class ServerError extends APIError {
  override name = "ServerError";
}

export class ConnectionError extends VectaraError {
  override name = "ConnectionError";
  constructor(message: string, options?: { cause?: unknown }) {
    super(`Could not reach Vectara: ${message}`, options);
  }
}

export class TimeoutError extends VectaraError {
  override name = "TimeoutError";
  readonly timeoutMs: number;
  constructor(timeoutMs: number) {
    super(`Vectara did not answer within ${timeoutMs} ms`);
    this.timeoutMs = timeoutMs;
  }
}

export class AbortError extends VectaraError {
  override name = "AbortError";
  constructor() {
    super("The request was aborted");
  }
}

export class StreamError extends VectaraError {
  override name = "StreamError";
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
  readonly kind: ProtocolErrorKind;
  constructor(kind: ProtocolErrorKind, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.kind = kind;
  }
}

export class InvalidRequestError extends VectaraError {
  override name = "InvalidRequestError";
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
