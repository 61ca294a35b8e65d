/**
 * The one error vocabulary of the app (visitor, staff console, sign-in): a typed code,
 * a message for people, and whether a retry can help. Route handlers answer with `toResponse()` (Vectara's
 * error shape, `messages` + `request_id`, plus `code`); the browser rebuilds the
 * error from that JSON with `AppError.fromResponseText`.
 */

/**
 * Every code of the app's one error vocabulary, with its HTTP status and whether a retry
 * can help. `:chat` codes are the visitor's, `:staff` the console's, `:login` sign-in's.
 */
const CODES = {
  "bad_request:chat": { status: 400, retryable: false },
  "forbidden:chat": { status: 403, retryable: false },
  "not_found:chat": { status: 404, retryable: false },
  "rate_limit:chat": { status: 429, retryable: true },
  "upstream:chat": { status: 502, retryable: true },
  "timeout:chat": { status: 504, retryable: true },
  "offline:chat": { status: 503, retryable: true },
  "stream:chat": { status: 502, retryable: true },
  "internal:chat": { status: 500, retryable: true },
  "bad_request:staff": { status: 400, retryable: false },
  "unauthorized:staff": { status: 401, retryable: false },
  "forbidden:staff": { status: 403, retryable: false },
  "not_found:staff": { status: 404, retryable: false },
  "conflict:staff": { status: 409, retryable: false },
  "rate_limit:login": { status: 429, retryable: true },
  "upstream:staff": { status: 502, retryable: true },
} as const satisfies Record<string, { status: number; retryable: boolean }>;

export type AppErrorCode = keyof typeof CODES;

/** Who an error is said to: the visitor, a support agent, or an admin (corpus pages). */
export type Audience = "visitor" | "agent" | "admin";

/** An error as the chat stream carries it to the browser (the `data-error` part). */
export interface AppErrorPayload {
  code: AppErrorCode;
  message: string;
  retryable: boolean;
  /** Seconds to wait before retrying, for rate limits. */
  retryAfter?: number;
}

export class AppError extends Error {
  override name = "AppError";
  readonly code: AppErrorCode;
  readonly retryAfter?: number;
  readonly fieldErrors?: Record<string, string>;

  constructor(
    code: AppErrorCode,
    message: string,
    options: { retryAfter?: number; fieldErrors?: Record<string, string>; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.code = code;
    this.retryAfter = options.retryAfter;
    this.fieldErrors = options.fieldErrors;
  }

  get status(): number {
    return CODES[this.code].status;
  }

  get retryable(): boolean {
    return CODES[this.code].retryable;
  }

  toPayload(): AppErrorPayload {
    return {
      code: this.code,
      message: this.message,
      retryable: this.retryable,
      ...(this.retryAfter !== undefined && { retryAfter: this.retryAfter }),
    };
  }

  toResponse(): Response {
    const headers = new Headers({ "content-type": "application/json" });
    if (this.retryAfter !== undefined) headers.set("retry-after", String(this.retryAfter));
    return new Response(
      JSON.stringify({
        messages: [this.message],
        ...(this.fieldErrors && { field_errors: this.fieldErrors }),
        request_id: crypto.randomUUID(),
        code: this.code,
        retryable: this.retryable,
        ...(this.retryAfter !== undefined && { retry_after: this.retryAfter }),
      }),
      { status: this.status, headers },
    );
  }

  /** Rebuilds the error the server sent; anything unreadable becomes a generic, retryable error. */
  static fromResponseText(text: string): AppError {
    const body = parseErrorBody(text);
    if (body) return new AppError(body.code, body.message, { retryAfter: body.retryAfter });
    return new AppError(
      "offline:chat",
      "Parley could not be reached. Check your connection and try again.",
    );
  }
}

const isCode = (value: unknown): value is AppErrorCode =>
  typeof value === "string" && Object.hasOwn(CODES, value);

/**
 * Reads `{ messages: [string, …], code, retry_after? }`. Written by hand rather than
 * with zod, which would add more to the browser bundle than this whole file.
 */
export function parseErrorBody(
  text: string,
): { code: AppErrorCode; message: string; retryAfter?: number } | null {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof body !== "object" || body === null) return null;
  const { messages, code, retry_after: retryAfter } = body as Record<string, unknown>;
  if (!isCode(code) || !Array.isArray(messages)) return null;
  const message = messages.find((m): m is string => typeof m === "string" && m.length > 0);
  if (!message) return null;
  const wait =
    typeof retryAfter === "number" && Number.isFinite(retryAfter) && retryAfter >= 0
      ? retryAfter
      : undefined;
  return { code, message: message.slice(0, 500), ...(wait !== undefined && { retryAfter: wait }) };
}
