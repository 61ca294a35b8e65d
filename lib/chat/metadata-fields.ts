import { z } from "zod";

/**
 * Document metadata comes from whoever wrote the documents, so each field a card or the
 * article reader shows is parsed: a title that is not a string is ignored, a `url` must be
 * http(s) (a `javascript:` URL in an article's front matter never becomes a link), a date
 * must be a date.
 */

export const metadataText = z.string().trim().min(1).max(500);

export const metadataHttpUrl = z
  .string()
  .trim()
  .max(2000)
  .refine((value) => {
    try {
      const url = new URL(value);
      return url.protocol === "https:" || url.protocol === "http:";
    } catch {
      return false;
    }
  });

/** An ISO date (YYYY-MM-DD), from a date or any ISO timestamp. */
export const metadataIsoDate = z
  .union([z.string(), z.date()])
  .transform((value) => (value instanceof Date ? value.toISOString() : value).slice(0, 10))
  .pipe(z.iso.date());

/** The field's value when it parses; undefined otherwise. */
export function pickMetadata<T>(schema: z.ZodType<T>, value: unknown): T | undefined {
  const parsed = schema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}
