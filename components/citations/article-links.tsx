"use client";

import { createContext, type ReactNode, useContext } from "react";
import { type ArticleLink, articleLinkFor } from "@/lib/chat/article-links";
import type { Citation } from "@/lib/chat/messages";
import type { ArticleLinks } from "@/lib/config";

/**
 * The ARTICLE_LINKS setting, handed down from the server's layout: the source cards
 * decide with it whether "article" means the in-app reader or the document's own URL.
 * Outside a provider (the staff console) the default, `auto`, applies.
 */
const ArticleLinksContext = createContext<ArticleLinks>("auto");

export function ArticleLinksProvider({
  setting,
  children,
}: {
  setting: ArticleLinks;
  children?: ReactNode;
}) {
  return <ArticleLinksContext.Provider value={setting}>{children}</ArticleLinksContext.Provider>;
}

/** Where this source's article link goes under the configured setting. */
export function useArticleLink(citation: Citation): ArticleLink {
  return articleLinkFor(citation, useContext(ArticleLinksContext));
}
