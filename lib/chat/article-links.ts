import { z } from "zod";
import type { ArticleLinks } from "@/lib/config";
import type { Citation } from "./messages";

/**
 * Links to the in-app article reader (`/articles/[...id]`) and the choice between it
 * and a document's own URL. Pure and browser-safe: the source cards call it.
 */

/** Vectara's document ids: 1–512 characters (lib/vectara/resources/documents.ts). */
const MAX_DOCUMENT_ID = 512;

/** What the `?passage=` and `?quote=` parameters may hold. */
export const MAX_QUOTE_CHARS = 300;

/**
 * `/articles/<id>`, each `/`-separated piece of the id percent-encoded as a path segment,
 * so `billing/refunds.md` reads `/articles/billing/refunds.md`. An id whose pieces would
 * not survive as segments (empty, `.` or `..`, which URL parsers collapse) is sent as one
 * segment with its slashes encoded.
 */
export function articlePath(documentId: string): string {
  const pieces = documentId.split("/");
  const asSegments = pieces.every((p) => p !== "" && p !== "." && p !== "..");
  const encoded = asSegments
    ? pieces.map(encodeURIComponent).join("/")
    : encodeURIComponent(documentId).replace(/\./g, "%2E");
  return `/articles/${encoded}`;
}

/**
 * The reader's link for a cited passage: `?passage=<offset>` names the part by its
 * offset in the document (part metadata `offset`, which Vectara and the engine both
 * return), else `?quote=` carries the passage's first words for the reader to find.
 */
export function articleHref({
  documentId,
  offset,
  quote,
}: {
  documentId: string;
  offset?: number;
  quote?: string;
}): string {
  const path = articlePath(documentId);
  if (offset !== undefined) return `${path}?passage=${offset}`;
  const words = quote ? quoteOf(quote) : "";
  return words ? `${path}?quote=${encodeURIComponent(words)}` : path;
}

/** The first MAX_QUOTE_CHARS of a passage, whitespace collapsed, cut at a word. */
export function quoteOf(text: string): string {
  const clean = text.replace(/\s+/g, " ").trim();
  if (clean.length <= MAX_QUOTE_CHARS) return clean;
  const head = clean.slice(0, MAX_QUOTE_CHARS);
  const space = head.lastIndexOf(" ");
  return space > MAX_QUOTE_CHARS / 2 ? head.slice(0, space) : head;
}

const segmentsSchema = z.array(z.string().min(1)).min(1).max(MAX_DOCUMENT_ID);

/**
 * The document id a catch-all route's segments name, or null when they cannot name one
 * (too long, control characters, a malformed escape). Next 16 hands an app route's
 * params to the page percent-encoded (each segment decoded to match the route, then
 * encoded again: next/dist/shared/lib/router/utils/get-dynamic-param.js), so each is
 * decoded here once; an encoded `/` inside one segment is part of the id.
 */
export function documentIdFromSegments(segments: unknown): string | null {
  const parsed = segmentsSchema.safeParse(segments);
  if (!parsed.success) return null;
  let id: string;
  try {
    id = parsed.data.map(decodeURIComponent).join("/");
  } catch {
    return null;
  }
  if (id.length > MAX_DOCUMENT_ID) return null;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting them is the point.
  if (/[\u0000-\u001f\u007f]/.test(id)) return null;
  return id;
}

/**
 * Hosts that can never be reached on the public internet (RFC 2606, RFC 6761): the demo
 * knowledge base's `help.beacon.example` is one. A link there would lead nowhere.
 */
const RESERVED_TLDS = new Set(["example", "test", "invalid", "localhost"]);
const RESERVED_HOSTS = new Set(["example.com", "example.net", "example.org"]);

export function isReachableUrl(url: string): boolean {
  let host: string;
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== "http:" && parsed.protocol !== "https:") return false;
    host = parsed.hostname.toLowerCase().replace(/\.$/, "");
  } catch {
    return false;
  }
  const labels = host.split(".");
  if (RESERVED_TLDS.has(labels.at(-1) ?? "")) return false;
  return !RESERVED_HOSTS.has(labels.slice(-2).join("."));
}

/** The URL a link may point at under the setting: `source` trusts any http(s) URL. */
export function usableUrl(url: string | undefined, setting: ArticleLinks): string | undefined {
  if (!url) return undefined;
  if (setting === "source") return url;
  return isReachableUrl(url) ? url : undefined;
}

export type ArticleLink =
  | { kind: "reader"; href: string; url?: string }
  | { kind: "source"; href: string };

/**
 * Where a source's article link goes: its URL when there is a usable one and the setting
 * allows, else the reader at the cited passage (`url` then keeps a usable original).
 */
export function articleLinkFor(
  citation: Pick<Citation, "documentId" | "url" | "offset" | "snippet">,
  setting: ArticleLinks,
): ArticleLink {
  const url = usableUrl(citation.url, setting);
  if (url && setting !== "reader") return { kind: "source", href: url };
  const href = articleHref({
    documentId: citation.documentId,
    offset: citation.offset,
    quote: citation.snippet.match,
  });
  return url ? { kind: "reader", href, url } : { kind: "reader", href };
}
