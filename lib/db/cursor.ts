import { z } from "zod";

/**
 * Keyset paging cursors for lists ordered by a time and an id (newest first): the last
 * row's `[time, id]`, as base64url JSON. Opaque to callers; a cursor that does not decode
 * is an InvalidCursorError, which routes answer with a 400.
 */

/** A paging cursor that does not decode to a position in the list. */
export class InvalidCursorError extends Error {
  readonly code = "bad_request:cursor";
  constructor() {
    super("The cursor is not valid for this list.");
    this.name = "InvalidCursorError";
  }
}

const cursorSchema = z.tuple([z.number().int(), z.string().min(1).max(200)]);

export function encodeCursor(at: { time: number; id: string }): string {
  return Buffer.from(JSON.stringify([at.time, at.id])).toString("base64url");
}

export function decodeCursor(cursor: string): { time: number; id: string } {
  if (!/^[A-Za-z0-9_-]{1,400}$/.test(cursor)) throw new InvalidCursorError();
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    throw new InvalidCursorError();
  }
  const parsed = cursorSchema.safeParse(value);
  if (!parsed.success) throw new InvalidCursorError();
  return { time: parsed.data[0], id: parsed.data[1] };
}
