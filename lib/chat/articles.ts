import "server-only";
import { getConfig } from "@/lib/config";
import { APIError, InvalidRequestError, type VectaraClient } from "@/lib/vectara";
import type { ArticlePartInput } from "./article-blocks";
import { usableUrl } from "./article-links";
import { metadataHttpUrl, metadataIsoDate, metadataText, pickMetadata } from "./metadata-fields";

/**
 * The knowledge base's articles as the in-app reader shows them: one document of the
 * chatbot's corpus, read through the Vectara client (GET /v2/corpora/{key}/documents/{id}),
 * so it works the same against the local engine and Vectara SaaS. Visitors may read any
 * document of that corpus: it is the public knowledge base the chatbot cites.
 */

export interface Article {
  id: string;
  title: string;
  /** The original's address, when it can be reached and ARTICLE_LINKS allows it. */
  url?: string;
  category?: string;
  /** ISO date (YYYY-MM-DD). */
  updated?: string;
  parts: ArticlePartInput[];
}

/**
 * Whether a failure means "there is no such document": a 404, or an id the client or
 * the server refuses as malformed (400). `instanceof` holds across Next's copies of
 * lib/vectara (lib/vectara/errors.ts).
 */
function isMissing(error: unknown): boolean {
  if (error instanceof InvalidRequestError) return true;
  return error instanceof APIError && (error.status === 404 || error.status === 400);
}

/** One article of the chatbot's corpus, or null when there is no such document. */
export async function getArticleByDocumentId({
  documentId,
  client,
  corpusKey = getConfig().vectara.corpusKey,
  articleLinks = getConfig().articleLinks,
}: {
  documentId: string;
  client: VectaraClient;
  corpusKey?: string;
  articleLinks?: ReturnType<typeof getConfig>["articleLinks"];
}): Promise<Article | null> {
  let doc: Awaited<ReturnType<VectaraClient["documents"]["get"]>>;
  try {
    doc = await client.documents.get(corpusKey, documentId);
  } catch (error) {
    if (isMissing(error)) return null;
    throw error;
  }
  const meta = doc.metadata ?? {};
  const url = usableUrl(pickMetadata(metadataHttpUrl, meta.url), articleLinks);
  const category = pickMetadata(metadataText, meta.category);
  const updated = pickMetadata(metadataIsoDate, meta.updated);
  return {
    id: doc.id,
    title: pickMetadata(metadataText, meta.title) ?? doc.id,
    ...(url && { url }),
    ...(category && { category }),
    ...(updated && { updated }),
    parts: doc.parts.map((p) => ({ text: p.text, metadata: p.metadata ?? {} })),
  };
}
