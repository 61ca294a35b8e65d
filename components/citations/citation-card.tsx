"use client";

import { Button } from "@/components/ui/button";
import { FileTextIcon } from "@/components/ui/icons";
import { markQuotes } from "@/lib/chat/cited";
import type { Citation } from "@/lib/chat/messages";
import { ArticleLinkAnchor } from "./article-link";
import { useArticleLink } from "./article-links";
import {
  formatUpdated,
  type Piece,
  piecesAround,
  stripSnippetMarkers,
  truncateEnd,
  truncateStart,
} from "./format";

export interface CitationCardProps {
  citation: Citation;
  active?: boolean;
  /** Called by "Read passage" (shown when the article link opens the in-app reader). */
  onOpenPassage?: (citation: Citation) => void;
  /** Prefix of the card's `id`; change it when several answers share a page. */
  idPrefix?: string;
  /**
   * What the answer quotes from this source: those sentences are highlighted when the
   * passage holds them, else the passage's matched part is.
   */
  quotes?: readonly string[];
}

export function CitationCard({
  citation,
  active = false,
  onOpenPassage,
  idPrefix = "citation-",
  quotes = [],
}: CitationCardProps) {
  const { index, title, section, snippet, category, updated } = citation;
  const link = useArticleLink(citation);
  const updatedLabel = formatUpdated(updated);
  const titleId = `${idPrefix}${index}-title`;
  const before = truncateStart(snippet.before);
  const match = stripSnippetMarkers(snippet.match);
  const after = truncateEnd(snippet.after);
  // The matched part stays one element (`citation-passage`) whatever the quotes mark.
  const pieces: Piece[] = markQuotes(`${before}${match}${after}`, quotes) ?? [
    { text: before, mark: false },
    { text: match, mark: true },
    { text: after, mark: false },
  ];
  const [head, passage, tail] = piecesAround(pieces, before.length, before.length + match.length);

  return (
    <article
      data-testid="citation-card"
      data-citation-index={index}
      data-document-id={citation.documentId}
      data-active={active || undefined}
      id={`${idPrefix}${index}`}
      aria-labelledby={titleId}
      className={`scroll-mt-4 rounded-xl border bg-surface p-4 text-sm transition-shadow ${
        active ? "border-brand/60 ring-2 ring-brand/40" : "border-border"
      }`}
    >
      <header className="flex items-start gap-3">
        <span
          aria-hidden="true"
          data-testid="citation-number"
          className={`mt-0.5 grid size-5 shrink-0 place-items-center rounded-full font-semibold text-[0.6875rem] tabular-nums ${
            active ? "bg-brand text-brand-foreground" : "bg-brand-soft text-brand"
          }`}
        >
          {index}
        </span>
        <div className="min-w-0">
          <h3 id={titleId} className="font-semibold leading-snug">
            <span className="sr-only">Source {index}: </span>
            {title}
          </h3>
          {section ? <p className="mt-0.5 truncate text-muted text-xs">{section}</p> : null}
        </div>
      </header>

      <blockquote className="mt-3 border-border border-l-2 pl-3 text-muted leading-relaxed">
        <Pieces pieces={head} />
        <span data-testid="citation-passage">
          <Pieces pieces={passage} />
        </span>
        <Pieces pieces={tail} />
      </blockquote>

      <footer className="mt-3 flex flex-wrap items-center gap-x-3 gap-y-2 text-muted text-xs">
        {category ? (
          <span className="rounded-full border border-border bg-surface-muted px-2 py-0.5 font-medium">
            {category}
          </span>
        ) : null}
        {updatedLabel && updated ? <time dateTime={updated}>{updatedLabel}</time> : null}
        <span className="ml-auto flex flex-wrap items-center justify-end gap-x-1 gap-y-1">
          {link.kind === "reader" && onOpenPassage ? (
            <Button
              variant="ghost"
              className="-my-1 text-brand text-xs hover:text-brand"
              onClick={() => onOpenPassage(citation)}
              aria-label={`Read passage: ${title}`}
            >
              <FileTextIcon className="size-3.5" />
              Read passage
            </Button>
          ) : null}
          <ArticleLinkAnchor link={link} title={title} className="px-1.5 py-1" />
        </span>
      </footer>
    </article>
  );
}

function Pieces({ pieces }: { pieces: readonly Piece[] }) {
  return pieces.map((piece, i) =>
    piece.mark ? (
      // biome-ignore lint/suspicious/noArrayIndexKey: pieces of one fixed text, in order.
      <mark key={i} className="rounded-sm bg-highlight px-0.5 text-foreground">
        {piece.text}
      </mark>
    ) : (
      // biome-ignore lint/suspicious/noArrayIndexKey: pieces of one fixed text, in order.
      <span key={i}>{piece.text}</span>
    ),
  );
}
