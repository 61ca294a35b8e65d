import { errors } from "./errors";

/**
 * Page keys are opaque to clients: a base64url JSON cursor. A key that does not
 * decode is a 400 on `query.page_key`, never a 500.
 */
export function encodePageKey(cursor: unknown): string {
  return Buffer.from(JSON.stringify(cursor)).toString("base64url");
}

export function decodePageKey<T>(
  key: string | undefined,
  check: (v: unknown) => v is T,
): T | undefined {
  if (key === undefined || key === "") return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(key, "base64url").toString("utf8"));
    if (check(value)) return value;
  } catch {
    // fall through to the error below
  }
  throw errors.field("query.page_key", "is not a page key this server issued");
}
