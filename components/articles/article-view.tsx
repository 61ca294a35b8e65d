import Link from "next/link";
import type { ReactNode } from "react";
import { formatUpdated } from "@/components/citations/format";
import { focusRing } from "@/components/ui/button";
import { ExternalLinkIcon } from "@/components/ui/icons";
import type { ArticleBlock, ArticlePage, Run } from "@/lib/chat/article-blocks";
import { ScrollToPassage } from "./scroll-to-passage";

/** The id of the "Cited passage" label: the page scrolls to it and focuses it. */
export const CITED_PASSAGE_ID = "cited-passage";

export interface ArticleViewProps {
  title: string;
  category?: string;
  updated?: string;
  /** The original, when it can be reached: "View original". */
  url?: string;
  view: ArticlePage;
  /** Whether the link asked for a passage (so a missing one is explained). */
  passageRequested: boolean;
  /** The link to another page of a long article. */
  pageHref: (page: number) => string;
}

/**
 * One knowledge-base article, rendered from the corpus as text: headings, paragraphs,
 * numbered steps, tables and code. Nothing is parsed as HTML; React escapes every run.
 */
export function ArticleView({
  title,
  category,
  updated,
  url,
  view,
  passageRequested,
  pageHref,
}: ArticleViewProps) {
  const updatedLabel = formatUpdated(updated);
  const hasCited = view.blocks.some(isCited);
  let labelled = false;
  /** The "Cited passage" label, given to the first cited block only. */
  const label = (block: ArticleBlock): ReactNode => {
    if (labelled || !isCited(block)) return null;
    labelled = true;
    return <CitedLabel />;
  };

  return (
    <article
      data-testid="article"
      aria-labelledby="article-title"
      className="mx-auto w-full max-w-3xl px-4 py-6 sm:px-8 sm:py-10"
    >
      <header className="border-border border-b pb-5">
        <p className="font-medium text-muted text-xs uppercase tracking-wider">Knowledge base</p>
        <h1
          id="article-title"
          data-testid="article-title"
          className="mt-1 text-balance font-semibold text-2xl leading-tight tracking-tight sm:text-3xl"
        >
          {title}
        </h1>
        <div className="mt-3 flex flex-wrap items-center gap-x-3 gap-y-2 text-muted text-sm">
          {category ? (
            <span className="rounded-full border border-border bg-surface-muted px-2 py-0.5 font-medium text-xs">
              {category}
            </span>
          ) : null}
          {updatedLabel && updated ? <time dateTime={updated}>{updatedLabel}</time> : null}
          {url ? (
            <a
              href={url}
              target="_blank"
              rel="noopener noreferrer"
              data-testid="article-original"
              className={`inline-flex items-center gap-1 rounded-md font-medium text-brand hover:underline ${focusRing}`}
            >
              View original
              <ExternalLinkIcon className="size-3.5" />
              <span className="sr-only"> (opens in a new tab)</span>
            </a>
          ) : null}
        </div>
        {hasCited ? (
          <p className="mt-4 text-muted text-sm">
            The passage the answer cited is{" "}
            <mark className="rounded-sm bg-highlight px-1 text-foreground">highlighted</mark>.{" "}
            <a
              href={`#${CITED_PASSAGE_ID}`}
              className={`rounded-sm font-medium text-brand hover:underline ${focusRing}`}
            >
              Go to the cited passage
            </a>
          </p>
        ) : passageRequested && view.found === false ? (
          <p data-testid="article-passage-missing" className="mt-4 text-muted text-sm">
            The cited passage is no longer in this article: it may have been updated since the
            answer was written.
          </p>
        ) : null}
      </header>

      {view.pages > 1 ? <Pager view={view} pageHref={pageHref} position="top" /> : null}

      <div data-testid="article-body" className="mt-6 text-[0.9375rem] leading-7 sm:text-base">
        {view.blocks.map((block, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: the blocks of one fixed document, in order.
          <Block key={i} block={block} label={label(block)} />
        ))}
        {view.blocks.length === 0 ? (
          <p className="text-muted">This article has no text to show.</p>
        ) : null}
      </div>

      {view.pages > 1 ? <Pager view={view} pageHref={pageHref} position="bottom" /> : null}
      {hasCited ? <ScrollToPassage targetId={CITED_PASSAGE_ID} /> : null}
    </article>
  );
}

function isCited(block: ArticleBlock): boolean {
  switch (block.kind) {
    case "steps":
      return block.items.some((item) => [...item.number, ...item.runs].some((r) => r.cited));
    case "bullets":
      return block.items.some((item) => item.some((r) => r.cited));
    case "table":
      return block.rows.some((r) => r.cited);
    default:
      return block.runs.some((r) => r.cited);
  }
}

/** Visible to everyone and the target of "Go to the cited passage": says what the marks mean. */
function CitedLabel() {
  return (
    <span
      id={CITED_PASSAGE_ID}
      tabIndex={-1}
      data-testid="article-highlight-label"
      className={`mb-1 flex w-fit scroll-mt-24 items-center rounded-full bg-brand-soft px-2 py-0.5 font-semibold text-brand text-xs ${focusRing}`}
    >
      Cited passage
    </span>
  );
}

function Runs({ runs }: { runs: readonly Run[] }) {
  return runs.map((run, i) =>
    run.cited ? (
      <mark
        // biome-ignore lint/suspicious/noArrayIndexKey: pieces of one fixed text, in order.
        key={i}
        data-testid="article-highlight"
        className="rounded-sm bg-highlight px-0.5 text-foreground [box-decoration-break:clone]"
      >
        {run.text}
      </mark>
    ) : (
      // biome-ignore lint/suspicious/noArrayIndexKey: pieces of one fixed text, in order.
      <span key={i}>{run.text}</span>
    ),
  );
}

function Block({ block, label }: { block: ArticleBlock; label: ReactNode }) {
  switch (block.kind) {
    case "heading":
      return (
        <>
          {label}
          <h2 className="mt-8 mb-3 scroll-mt-6 font-semibold text-foreground text-lg leading-snug first:mt-0 sm:text-xl">
            <Runs runs={block.runs} />
          </h2>
        </>
      );
    case "paragraph":
      return (
        <div className="my-4">
          {label}
          <p className="break-words">
            <Runs runs={block.runs} />
          </p>
        </div>
      );
    case "code":
      return (
        <div className="my-4">
          {label}
          <pre className="overflow-x-auto rounded-lg border border-border bg-surface-muted px-4 py-3 font-mono text-sm leading-6">
            <code>
              <Runs runs={block.runs} />
            </code>
          </pre>
        </div>
      );
    case "steps":
      return (
        <div className="my-4">
          {label}
          <ol className="grid gap-2">
            {block.items.map((item, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: the items of one fixed list, in order.
              <li key={i} className="flex gap-2.5">
                <span className="min-w-6 shrink-0 text-right font-semibold text-muted tabular-nums">
                  <Runs runs={item.number} />
                </span>
                <div className="min-w-0 break-words">
                  <Runs runs={item.runs} />
                </div>
              </li>
            ))}
          </ol>
        </div>
      );
    case "bullets":
      return (
        <div className="my-4">
          {label}
          <ul className="grid list-disc gap-2 pl-6 marker:text-muted">
            {block.items.map((runs, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: the items of one fixed list, in order.
              <li key={i} className="break-words pl-1">
                <Runs runs={runs} />
              </li>
            ))}
          </ul>
        </div>
      );
    case "table":
      return (
        <div className="my-5">
          {label}
          <div className="overflow-x-auto rounded-lg border border-border">
            <table className="w-full border-collapse text-left text-sm">
              <thead className="bg-surface-muted">
                <tr>
                  {block.headers.map((h) => (
                    <th
                      key={h}
                      scope="col"
                      className="border-border border-b px-3 py-2 align-bottom font-semibold"
                    >
                      {h}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {block.rows.map((row, r) => (
                  <tr
                    // biome-ignore lint/suspicious/noArrayIndexKey: the rows of one fixed table, in order.
                    key={r}
                    data-cited={row.cited || undefined}
                    className="border-border border-t first:border-t-0 data-cited:bg-highlight/60"
                  >
                    {row.cells.map((cell, c) => (
                      // biome-ignore lint/suspicious/noArrayIndexKey: cells of one fixed row, in order.
                      <td key={c} className="px-3 py-2 align-top">
                        {row.cited && cell ? (
                          <mark
                            data-testid="article-highlight"
                            className="bg-transparent text-foreground"
                          >
                            {cell}
                          </mark>
                        ) : (
                          cell
                        )}
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </div>
      );
  }
}

function Pager({
  view,
  pageHref,
  position,
}: {
  view: ArticlePage;
  pageHref: (page: number) => string;
  position: "top" | "bottom";
}) {
  const link = `rounded-md px-2 py-1 font-medium text-brand hover:bg-surface-muted ${focusRing}`;
  return (
    <nav
      aria-label={`Article pages (${position})`}
      data-testid="article-pager"
      className={`flex items-center justify-between gap-3 text-muted text-sm ${position === "top" ? "mt-4" : "mt-8 border-border border-t pt-4"}`}
    >
      {view.page > 1 ? (
        <Link href={pageHref(view.page - 1)} className={link}>
          ← Previous part
        </Link>
      ) : (
        <span />
      )}
      <span aria-current="page">
        Part {view.page} of {view.pages}
      </span>
      {view.page < view.pages ? (
        <Link href={pageHref(view.page + 1)} className={link}>
          Next part →
        </Link>
      ) : (
        <span />
      )}
    </nav>
  );
}
