import type { ChatErrorCode, ChatErrorPayload } from "./messages";

/**
 * The one error vocabulary of the chat: a typed code, a message for people, and
 * whether a retry can help. Route handlers answer with `toResponse()` (Vectara's
 * error shape, `messages` + `request_id`, plus `code`); the browser rebuilds the
 * error from that JSON with `ChatError.fromResponseText`.
 */

const STATUS: Record<ChatErrorCode, number> = {
  "bad_request:chat": 400,
  "forbidden:chat": 403,
  "not_found:chat": 404,
  "rate_limit:chat": 429,
  "upstream:chat": 502,
  "timeout:chat": 504,
  "offline:chat": 503,
  "stream:chat": 502,
  "internal:chat": 500,
  "bad_request:staff": 400,
  "unauthorized:staff": 401,
  "forbidden:staff": 403,
  "not_found:staff": 404,
  "conflict:staff": 409,
  "rate_limit:login": 429,
  "upstream:staff": 502,
};

const RETRYABLE: Record<ChatErrorCode, boolean> = {
  "bad_request:chat": false,
  "forbidden:chat": false,
  "not_found:chat": false,
  "rate_limit:chat": true,
  "upstream:chat": true,
  "timeout:chat": true,
  "offline:chat": true,
  "stream:chat": true,
  "internal:chat": true,
  "bad_request:staff": false,
  "unauthorized:staff": false,
  "forbidden:staff": false,
  "not_found:staff": false,
  "conflict:staff": false,
  "rate_limit:login": true,
  "upstream:staff": true,
};

export class ChatError extends Error {
  override name = "ChatError";
  readonly code: ChatErrorCode;
  readonly retryAfter?: number;
  readonly fieldErrors?: Record<string, string>;

  constructor(
    code: ChatErrorCode,
    message: string,
    options: { retryAfter?: number; fieldErrors?: Record<string, string>; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.code = code;
    this.retryAfter = options.retryAfter;
    this.fieldErrors = options.fieldErrors;
  }

  get status(): number {
    return STATUS[this.code];
  }

  get retryable(): boolean {
    return RETRYABLE[this.code];
  }

  toPayload(): ChatErrorPayload {
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
  static fromResponseText(text: string): ChatError {
    const body = parseErrorBody(text);
    if (body) return new ChatError(body.code, body.message, { retryAfter: body.retryAfter });
    return new ChatError(
      "offline:chat",
      "Parley could not be reached. Check your connection and try again.",
    );
  }
}

const isCode = (value: unknown): value is ChatErrorCode =>
  typeof value === "string" && Object.hasOwn(STATUS, value);

/**
 * Reads `{ messages: [string, …], code, retry_after? }`. Written by hand rather than
 * with zod, which would add more to the browser bundle than this whole file.
 */
export function parseErrorBody(
  text: string,
): { code: ChatErrorCode; message: string; retryAfter?: number } | null {
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
