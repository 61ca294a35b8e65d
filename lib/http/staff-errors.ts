import "server-only";
import type { z } from "zod";
import { AppError } from "./errors";
import { toChatError } from "./upstream-errors";

/** Parses a request's query string with `schema` (one value per key). */
export function readQuery<T>(request: Request, schema: z.ZodType<T>) {
  return schema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
}

/** A 400 naming each bad query parameter, keyed like Vectara's `field_errors`. */
export function queryError(error: z.ZodError): AppError {
  const fieldErrors = Object.fromEntries(
    error.issues.map((i) => [["query", ...i.path.map(String)].join("."), i.message]),
  );
  const [first] = Object.entries(fieldErrors);
  return new AppError(
    "bad_request:staff",
    first ? `Invalid request: ${first[0]}: ${first[1]}` : "Invalid request.",
    { fieldErrors },
  );
}

/**
 * An error in a staff route, said in the staff vocabulary: ChatErrors pass through,
 * Vectara's errors are mapped (a 400 from Vectara — a bad filter — keeps its text,
 * since staff wrote the filter and need to know what is wrong with it).
 */
export function staffError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  const mapped = toChatError(error);
  const code =
    mapped.code === "bad_request:chat"
      ? "bad_request:staff"
      : mapped.code === "not_found:chat"
        ? "not_found:staff"
        : "upstream:staff";
  const message =
    code === "bad_request:staff" && error instanceof Error ? error.message : mapped.message;
  if (code === "upstream:staff") console.error("Parley: a staff request failed upstream:", error);
  return new AppError(code, message, { cause: error });
}
