import "server-only";
import {
  AbortError,
  APIError,
  BadRequestError,
  ConnectionError,
  ForbiddenError,
  InvalidRequestError,
  NotFoundError,
  ProtocolError,
  RateLimitError,
  StreamError,
  TimeoutError,
  UnauthorizedError,
} from "@/lib/vectara";
import { AppError } from "./errors";

/**
 * Everything that can go wrong between Parley and Vectara, said in the chat's own
 * vocabulary: what happened in words a visitor understands, and whether retrying can
 * help. Vectara's own messages are logged, not shown: they can name corpora and keys.
 * `midStream` says the answer had already started streaming when the error came.
 */
export function toChatError(error: unknown, { midStream = false } = {}): AppError {
  if (error instanceof AppError) return error;
  const options = { cause: error };
  // A connection lost once the answer has started is an interrupted answer.
  if (midStream && error instanceof ConnectionError) {
    return new AppError(
      "stream:chat",
      "The answer was interrupted before it finished. Please try again.",
      options,
    );
  }
  if (error instanceof RateLimitError) {
    const ms = error.retryAfterMs;
    return new AppError(
      "rate_limit:chat",
      "The answer service is busy right now. Please try again in a moment.",
      { ...options, retryAfter: ms === undefined ? 5 : Math.max(1, Math.ceil(ms / 1000)) },
    );
  }
  if (error instanceof NotFoundError) {
    return new AppError("not_found:chat", "This conversation no longer exists.", options);
  }
  if (error instanceof BadRequestError || error instanceof InvalidRequestError) {
    return new AppError(
      "bad_request:chat",
      "The answer service could not take this question. Try rephrasing it.",
      options,
    );
  }
  if (error instanceof UnauthorizedError || error instanceof ForbiddenError) {
    return new AppError(
      "upstream:chat",
      "The answer service refused Parley's credentials. Please tell the site's administrators.",
      options,
    );
  }
  if (error instanceof TimeoutError) {
    return new AppError(
      "timeout:chat",
      "The answer service took too long to respond. Please try again.",
      options,
    );
  }
  if (error instanceof StreamError || error instanceof ProtocolError) {
    return new AppError(
      "stream:chat",
      "The answer was interrupted before it finished. Please try again.",
      options,
    );
  }
  if (error instanceof ConnectionError || error instanceof APIError) {
    return new AppError(
      "upstream:chat",
      "The answer service is unavailable right now. Please try again.",
      options,
    );
  }
  if (error instanceof AbortError) {
    return new AppError("stream:chat", "The answer was stopped.", options);
  }
  return new AppError("internal:chat", "Something went wrong on Parley's side.", options);
}
