import { z } from "zod";

/**
 * Citation styles of `generation.citations` (notes §8.4). Generators write
 * citations as `[n]`, n being the 1-based position in `search_results`; this
 * module turns them into the requested style. Pattern values come from metadata
 * and are escaped for the target format, so a title like `<script>` or `a](b`
 * cannot break out of the link.
 */
export const citationParamsSchema = z.looseObject({
  style: z.enum(["none", "numeric", "html", "markdown"]).nullish(),
  url_pattern: z.string().max(2000).nullish(),
  text_pattern: z.string().max(2000).nullish(),
});
export type CitationParams = z.infer<typeof citationParamsSchema>;

/** What a pattern can read of a result. */
export interface CitedResult {
  document_id: string;
  document_metadata: Record<string, unknown>;
  part_metadata: Record<string, unknown>;
}

const escapeHtml = (s: string) =>
  s
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#39;");
const escapeMarkdownText = (s: string) => s.replace(/([\\`*_[\]()<>#!|])/g, "\\$1");
/** Markdown link destinations: percent-encode what would end or confuse the link. */
const escapeMarkdownUrl = (s: string) =>
  s.replace(
    /[\s()<>[\]\\]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`,
  );

function metaValue(result: CitedResult, level: string, field: string): string {
  if (level === "doc" && field === "id") return result.document_id;
  const source = level === "doc" ? result.document_metadata : result.part_metadata;
  const value = Object.hasOwn(source, field) ? source[field] : undefined;
  if (value === undefined || value === null) return "";
  return typeof value === "string" ? value : JSON.stringify(value);
}

/** Fills `{doc.x}` / `{part.x}` with escaped values; a missing field is empty. */
function fill(pattern: string, result: CitedResult, escapeValue: (s: string) => string): string {
  return pattern.replace(/\{(doc|part)\.([^{}]+)\}/g, (_, level: string, field: string) =>
    escapeValue(metaValue(result, level, field.trim())),
  );
}

/** One citation of result number `n` (1-based), with its leading space. */
export function formatCitation(
  n: number,
  result: CitedResult | undefined,
  params: CitationParams | undefined,
): string {
  const style = params?.style ?? "numeric";
  if (style === "none") return "";
  if (style === "numeric" || !result) return ` [${n}]`;
  const text = params?.text_pattern ?? undefined;
  const url = params?.url_pattern ?? "";
  if (style === "html") {
    const label = text ? fill(text, result, escapeHtml) : String(n);
    return ` <a href="${fill(url, result, escapeHtml)}">${label}</a>`;
  }
  const label = text ? fill(text, result, escapeMarkdownText) : String(n);
  return ` [${label}](${fill(url, result, escapeMarkdownUrl)})`;
}

/** `[1]`, `[1, 2]`, `[1][2]` as models write them, with any space before them. */
const CITATION_RUN =
  /\s*\[\s*\d{1,3}(?:\s*[,;]\s*\d{1,3})*\s*\](?:\s*\[\s*\d{1,3}(?:\s*[,;]\s*\d{1,3})*\s*\])*/g;

/**
 * Rewrites a model's `[n]` citations into the requested style. Numbers outside
 * 1..results.length point at nothing the model was shown and are dropped.
 */
export function restyleCitations(
  text: string,
  results: CitedResult[],
  params: CitationParams | undefined,
): string {
  return text.replace(CITATION_RUN, (run) => {
    const numbers = [...run.matchAll(/\d{1,3}/g)].map((m) => Number(m[0]));
    const valid = [...new Set(numbers)].filter((n) => n >= 1 && n <= results.length);
    return valid.map((n) => formatCitation(n, results[n - 1], params)).join("");
  });
}

/** Removes `[n]` citations, for scoring the claims alone. */
export const stripCitations = (text: string) => text.replace(CITATION_RUN, "");
