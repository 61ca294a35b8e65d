"use client";

import { useEffect, useId, useRef } from "react";
import type { Citation } from "@/lib/chat/messages";
import { CitationCard } from "./citation-card";

export interface CitationListProps {
  /** The sources to show; filter to the cited ones before passing them. */
  citations: readonly Citation[];
  activeIndex?: number | null;
  onOpenPassage?: (citation: Citation) => void;
  /** Prefix of each card's `id` (default "citation-"); namespace it per answer. */
  idPrefix?: string;
  /** What the answer quotes from each source, by citation number (`quotedBySource`). */
  quotes?: ReadonlyMap<number, readonly string[]>;
}

export function CitationList({
  citations,
  activeIndex = null,
  onOpenPassage,
  idPrefix,
  quotes,
}: CitationListProps) {
  const listRef = useRef<HTMLOListElement>(null);
  const headingId = useId();

  useEffect(() => {
    if (activeIndex == null) return;
    // Look inside this list only: several answers on a page each have a card 1.
    const card = listRef.current?.querySelector<HTMLElement>(
      `[data-citation-index="${activeIndex}"]`,
    );
    if (!card) return;
    const reduce = window.matchMedia?.("(prefers-reduced-motion: reduce)").matches;
    card.scrollIntoView({ block: "nearest", behavior: reduce ? "auto" : "smooth" });
  }, [activeIndex]);

  if (citations.length === 0) return null;

  return (
    <section data-testid="citation-list" aria-labelledby={headingId} className="mt-4">
      <h2 id={headingId} className="mb-2 font-semibold text-muted text-xs uppercase tracking-wider">
        Sources
      </h2>
      <ol ref={listRef} className="grid gap-2">
        {citations.map((citation) => (
          <li key={citation.index}>
            <CitationCard
              citation={citation}
              active={citation.index === activeIndex}
              onOpenPassage={onOpenPassage}
              idPrefix={idPrefix}
              quotes={quotes?.get(citation.index)}
            />
          </li>
        ))}
      </ol>
    </section>
  );
}
