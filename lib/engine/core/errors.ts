/**
 * The engine's one error vocabulary. Every failure the engine reports is an
 * EngineError built here; the HTTP layer turns it into Vectara's error body
 * (`messages`, `request_id`, plus `field_errors` for 400s and `id` for 404s).
 */
export type EngineErrorCode =
  | "bad_request"
  | "unauthorized"
  | "forbidden"
  | "not_found"
  | "method_not_allowed"
  | "conflict"
  | "payload_too_large"
  | "unsupported_media_type"
  | "timeout"
  | "rate_limited"
  | "bad_gateway"
  | "gateway_timeout"
  | "unavailable"
  | "internal";

const STATUS: Record<EngineErrorCode, number> = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  timeout: 408,
  rate_limited: 429,
  bad_gateway: 502,
  gateway_timeout: 504,
  unavailable: 503,
  internal: 500,
};

export class EngineError extends Error {
  override name = "EngineError";
  readonly status: number;
  constructor(
    readonly code: EngineErrorCode,
    message: string,
    readonly details: {
      fieldErrors?: Record<string, string>;
      id?: string;
      headers?: Record<string, string>;
    } = {},
  ) {
    super(message);
    this.status = STATUS[code];
  }
}

export const errors = {
  badRequest: (message: string, fieldErrors?: Record<string, string>) =>
    new EngineError("bad_request", message, { fieldErrors }),
  /** A 400 for one field, keyed like Vectara's `field_errors` (`body.search.corpora`). */
  field: (field: string, message: string) =>
    new EngineError("bad_request", `${field}: ${message}`, { fieldErrors: { [field]: message } }),
  unauthorized: (message = "Missing or invalid API key") =>
    new EngineError("unauthorized", message),
  forbidden: (message: string) => new EngineError("forbidden", message),
  notFound: (what: string, id: string) =>
    new EngineError("not_found", `${what} '${id}' was not found`, { id }),
  methodNotAllowed: (method: string, path: string, allowed: string[]) =>
    new EngineError("method_not_allowed", `${method} is not supported on ${path}`, {
      headers: { allow: allowed.join(", ") },
    }),
  conflict: (message: string) => new EngineError("conflict", message),
  payloadTooLarge: (message: string) => new EngineError("payload_too_large", message),
  unsupportedMediaType: (message: string) => new EngineError("unsupported_media_type", message),
  /** A model endpoint (LLM, embeddings) failed or sent something unreadable. */
  badGateway: (message: string) => new EngineError("bad_gateway", message),
  /** A model endpoint did not answer in time. */
  gatewayTimeout: (message: string) => new EngineError("gateway_timeout", message),
  /** The engine cannot take the request now (its queue is full, or its worker stopped): retry. */
  unavailable: (message: string, retryAfterSeconds = 1) =>
    new EngineError("unavailable", message, {
      headers: { "retry-after": String(retryAfterSeconds) },
    }),
  timeout: (ms: number) =>
    new EngineError("timeout", `The request did not finish within its ${ms} ms timeout`),
};
