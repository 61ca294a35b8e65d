import { z } from "zod";
import type { SearchResult } from "@/lib/vectara";
import { type Citation, SNIPPET_END, SNIPPET_START } from "./messages";
import { metadataHttpUrl, metadataIsoDate, metadataText, pickMetadata } from "./metadata-fields";

/**
 * Search results → the citation cards' data. Document metadata is outside input (it
 * comes from whoever wrote the documents), so every field is parsed: a title that is
 * not a string falls back to the document id, a `url` must be http(s) — a
 * `javascript:` URL in an article's front matter never becomes a link.
 */

/** A part's start in its document, as Vectara and the engine report it. */
const partOffset = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

/** Splits `before %START_SNIPPET%match%END_SNIPPET% after`; text without tags is all match. */
export function splitSnippet(raw: string): Citation["snippet"] {
  const start = raw.indexOf(SNIPPET_START);
  const end = start === -1 ? -1 : raw.indexOf(SNIPPET_END, start + SNIPPET_START.length);
  if (start === -1 || end === -1) return { before: "", match: stripTags(raw).trim(), after: "" };
  return {
    before: stripTags(raw.slice(0, start)).trimStart(),
    match: stripTags(raw.slice(start + SNIPPET_START.length, end)),
    after: stripTags(raw.slice(end + SNIPPET_END.length)).trimEnd(),
  };
}

/** Removes the tags until none is left: removing one can join its neighbours into another. */
function stripTags(text: string): string {
  let out = text;
  for (;;) {
    const next = out.split(SNIPPET_START).join("").split(SNIPPET_END).join("");
    if (next === out) return out;
    out = next;
  }
}

export function toCitation(result: SearchResult, index: number): Citation {
  const doc = result.documentMetadata;
  const part = result.partMetadata;
  const title = pickMetadata(metadataText, doc.title) ?? result.documentId;
  const section = pickMetadata(metadataText, part.heading);
  const category = pickMetadata(metadataText, doc.category);
  const updated = pickMetadata(metadataIsoDate, doc.updated);
  const url = pickMetadata(metadataHttpUrl, doc.url);
  const offset = pickMetadata(partOffset, part.offset);
  return {
    index,
    documentId: result.documentId,
    title,
    ...(section && section !== title && { section }),
    snippet: splitSnippet(result.text),
    ...(offset !== undefined && { offset }),
    ...(category && { category }),
    ...(updated && { updated }),
    ...(url && { url }),
    score: result.score,
  };
}

/** Numbered as the answer cites them: `[1]` is the first search result. */
export function toCitations(results: SearchResult[]): Citation[] {
  return results.map((r, i) => toCitation(r, i + 1));
}

export const citationSchema: z.ZodType<Citation> = z.object({
  index: z.number().int().min(1),
  documentId: z.string(),
  title: z.string(),
  section: z.string().optional(),
  snippet: z.object({ before: z.string(), match: z.string(), after: z.string() }),
  offset: partOffset.optional(),
  category: z.string().optional(),
  updated: z.string().optional(),
  url: z.string().optional(),
  score: z.number(),
});
