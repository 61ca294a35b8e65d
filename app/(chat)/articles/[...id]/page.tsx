import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { cache } from "react";
import { z } from "zod";
import { ArticleView } from "@/components/articles/article-view";
import { type PassageRef, toArticlePage } from "@/lib/chat/article-blocks";
import { articlePath, documentIdFromSegments, MAX_QUOTE_CHARS } from "@/lib/chat/article-links";
import { getArticleByDocumentId } from "@/lib/chat/articles";
import { getVectaraClient } from "@/lib/server/vectara";

export const dynamic = "force-dynamic";

type Props = {
  params: Promise<{ id: string[] }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
};

/** One request's article, shared by the metadata and the page. */
const loadArticle = cache(async (segments: readonly string[]) => {
  const documentId = documentIdFromSegments(segments);
  return documentId ? getArticleByDocumentId({ client: getVectaraClient(), documentId }) : null;
});

// Each parameter on its own: a malformed one is ignored, not an error.
const passageSchema = z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const quoteSchema = z.string().trim().min(1).max(MAX_QUOTE_CHARS);
const pageSchema = z.coerce.number().int().min(1).max(100_000);

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const article = await loadArticle((await params).id);
  // The root layout's title template adds " · Parley". The page itself answers 404.
  return { title: article ? article.title : "Article not found" };
}

/** `/articles/[...id]`: a knowledge-base article, with the passage an answer cited marked. */
export default async function ArticlePage({ params, searchParams }: Props) {
  const article = await loadArticle((await params).id);
  if (!article) notFound();
  const query = await searchParams;
  const offset = passageSchema.safeParse(first(query.passage));
  const quote = quoteSchema.safeParse(first(query.quote));
  const page = pageSchema.safeParse(first(query.page));
  const passage: PassageRef | undefined = offset.success
    ? { offset: offset.data }
    : quote.success
      ? { quote: quote.data }
      : undefined;
  const view = toArticlePage(article.parts, {
    title: article.title,
    passage,
    page: page.success ? page.data : undefined,
  });
  const base = articlePath(article.id);
  const keep = offset.success
    ? `passage=${offset.data}&`
    : quote.success
      ? `quote=${encodeURIComponent(quote.data)}&`
      : "";

  return (
    <div data-testid="article-scroller" className="relative min-h-0 flex-1 overflow-y-auto">
      <ArticleView
        title={article.title}
        category={article.category}
        updated={article.updated}
        url={article.url}
        view={view}
        passageRequested={passage !== undefined}
        pageHref={(n) => `${base}?${keep}page=${n}`}
      />
    </div>
  );
}
