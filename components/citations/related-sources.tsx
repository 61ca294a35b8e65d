"use client";

import { useId } from "react";
import { safeUrl } from "@/components/chat/safe-url";
import { focusRing } from "@/components/ui/button";
import { ExternalLinkIcon, FileTextIcon } from "@/components/ui/icons";
import type { Citation } from "@/lib/chat/messages";
import { useArticleLink } from "./article-links";

export interface RelatedSourcesProps {
  /** Search results the answer did not cite (`numberSources(…).related`). */
  sources: readonly Citation[];
  /** Called for a source without a URL: shows its passage. */
  onOpenPassage?: (citation: Citation) => void;
}

/**
 * "Also related": articles the search found but the answer did not cite, one line
 * each and unnumbered, so no number can be mistaken for one of the answer's markers.
 */
export function RelatedSources({ sources, onOpenPassage }: RelatedSourcesProps) {
  const headingId = useId();
  if (sources.length === 0) return null;
  return (
    <section data-testid="related-sources" aria-labelledby={headingId} className="mt-4">
      <h2 id={headingId} className="mb-1 font-semibold text-muted text-xs uppercase tracking-wider">
        Also related
      </h2>
      <ul className="grid gap-0.5 text-sm">
        {sources.map((source) => (
          <RelatedSource
            key={`${source.index}-${source.documentId}`}
            source={source}
            onOpenPassage={onOpenPassage}
          />
        ))}
      </ul>
    </section>
  );
}

function RelatedSource({
  source,
  onOpenPassage,
}: {
  source: Citation;
  onOpenPassage?: (citation: Citation) => void;
}) {
  const link = useArticleLink(source);
  const href = link.kind === "source" ? safeUrl(link.href) : link.href;
  // The article's title only: the section its nearest passage came from ("Steps")
  // says little on its own, and the link opens the whole article.
  const label = <span className="truncate">{source.title}</span>;
  const className = `-mx-1.5 flex w-full min-w-0 items-center gap-1.5 rounded-md px-1.5 py-1 text-left text-brand hover:bg-surface-muted ${focusRing}`;
  return (
    <li data-testid="related-source" data-document-id={source.documentId}>
      {href ? (
        <a
          href={href}
          target="_blank"
          rel={link.kind === "source" ? "noopener noreferrer" : "noopener"}
          className={className}
          {...(link.kind === "reader" && { "data-testid": "article-link" })}
        >
          {link.kind === "source" ? (
            <ExternalLinkIcon className="size-3.5 shrink-0" />
          ) : (
            <FileTextIcon className="size-3.5 shrink-0" />
          )}
          {label}
          <span className="sr-only"> (opens in a new tab)</span>
        </a>
      ) : (
        <button
          type="button"
          className={`cursor-pointer ${className}`}
          onClick={() => onOpenPassage?.(source)}
          aria-label={`Read passage: ${source.title}`}
        >
          <FileTextIcon className="size-3.5 shrink-0" />
          {label}
        </button>
      )}
    </li>
  );
}
