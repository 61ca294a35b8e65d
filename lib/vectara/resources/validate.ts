import type { z } from "zod";
import { InvalidRequestError } from "../errors";

/** Validates what the caller passed before anything is sent. */
export function validate<S extends z.ZodType>(
  schema: S,
  value: unknown,
  location: "body" | "query" | "path",
): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw InvalidRequestError.fromZod(location, parsed.error);
  return parsed.data;
}

/** Validates a path parameter and percent-encodes it (document ids may hold `/`). */
export function segment(schema: z.ZodType<string>, value: unknown, name: string): string {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    throw new InvalidRequestError({
      [`path.${name}`]: parsed.error.issues[0]?.message ?? "invalid",
    });
  }
  return encodeURIComponent(parsed.data);
}
