"use client";

import { useEffect, useId, useRef } from "react";
import { Button } from "@/components/ui/button";
import { CloseIcon } from "@/components/ui/icons";
import type { Citation } from "@/lib/chat/messages";
import { ArticleLinkAnchor } from "./article-link";
import { useArticleLink } from "./article-links";
import { formatUpdated, stripSnippetMarkers } from "./format";

export interface PassageDrawerProps {
  /** The source to show; null closes the drawer. */
  citation: Citation | null;
  /** False for a source the answer did not cite: no number is shown. */
  numbered?: boolean;
  onClose: () => void;
}

/**
 * The full passage of a source, in a modal side sheet. A native <dialog> opened with
 * showModal() gives the focus trap, Escape and the inert page for free; focus goes
 * back to whatever opened it.
 */
export function PassageDrawer({ citation, numbered = true, onClose }: PassageDrawerProps) {
  const dialogRef = useRef<HTMLDialogElement>(null);
  const openerRef = useRef<HTMLElement | null>(null);
  const onCloseRef = useRef(onClose);
  onCloseRef.current = onClose;
  const titleId = useId();
  const open = citation !== null;

  useEffect(() => {
    const dialog = dialogRef.current;
    if (!dialog) return;
    if (open && !dialog.open) {
      openerRef.current =
        document.activeElement instanceof HTMLElement ? document.activeElement : null;
      dialog.showModal();
    } else if (!open && dialog.open) {
      dialog.close();
    }
  }, [open]);

  // Unmounting while open (the parent dropped the drawer) still hands focus back.
  useEffect(() => () => restoreFocus(openerRef), []);

  return (
    <dialog
      ref={dialogRef}
      data-testid="passage-drawer"
      aria-labelledby={titleId}
      onClose={() => {
        restoreFocus(openerRef);
        onCloseRef.current();
      }}
      onClick={(event) => {
        // A click on the backdrop lands on the <dialog> itself.
        if (event.target === event.currentTarget) event.currentTarget.close();
      }}
      onKeyDown={(event) => {
        if (event.key === "Escape") {
          event.preventDefault();
          event.currentTarget.close();
        }
      }}
      className="my-0 mr-0 ml-auto h-dvh max-h-dvh w-full max-w-lg bg-surface p-0 text-foreground shadow-2xl backdrop:bg-black/40 backdrop:backdrop-blur-[1px] sm:border-border sm:border-l"
    >
      {citation ? <PassageBody citation={citation} numbered={numbered} titleId={titleId} /> : null}
    </dialog>
  );
}

function restoreFocus(openerRef: { current: HTMLElement | null }) {
  const opener = openerRef.current;
  openerRef.current = null;
  if (opener?.isConnected) opener.focus();
}

function PassageBody({
  citation,
  numbered,
  titleId,
}: {
  citation: Citation;
  numbered: boolean;
  titleId: string;
}) {
  const { index, title, section, snippet, category, updated } = citation;
  const link = useArticleLink(citation);
  const updatedLabel = formatUpdated(updated);

  return (
    <div className="flex h-full flex-col">
      <header className="flex items-start gap-3 border-border border-b px-5 py-4">
        {numbered ? (
          <span
            aria-hidden="true"
            className="mt-0.5 grid size-6 shrink-0 place-items-center rounded-full bg-brand-soft font-semibold text-brand text-xs tabular-nums"
          >
            {index}
          </span>
        ) : null}
        <div className="min-w-0 flex-1">
          <h2 id={titleId} className="font-semibold text-base leading-snug">
            <span className="sr-only">{numbered ? `Source ${index}: ` : "Related article: "}</span>
            {title}
          </h2>
          {section ? <p className="mt-0.5 text-muted text-sm">{section}</p> : null}
          {category || updatedLabel ? (
            <p className="mt-2 flex flex-wrap items-center gap-2 text-muted text-xs">
              {category ? (
                <span className="rounded-full border border-border bg-surface-muted px-2 py-0.5 font-medium">
                  {category}
                </span>
              ) : null}
              {updatedLabel && updated ? <time dateTime={updated}>{updatedLabel}</time> : null}
            </p>
          ) : null}
        </div>
        <form method="dialog">
          <Button type="submit" variant="icon" aria-label="Close passage" autoFocus>
            <CloseIcon />
          </Button>
        </form>
      </header>

      <div className="flex-1 overflow-y-auto px-5 py-5">
        <p className="whitespace-pre-wrap text-[0.9375rem] leading-7">
          {stripSnippetMarkers(snippet.before)}
          <mark className="rounded-sm bg-highlight px-0.5 text-foreground">
            {stripSnippetMarkers(snippet.match)}
          </mark>
          {stripSnippetMarkers(snippet.after)}
        </p>
      </div>

      <footer className="border-border border-t px-5 py-3 text-sm">
        <ArticleLinkAnchor link={link} title={title} />
      </footer>
    </div>
  );
}
