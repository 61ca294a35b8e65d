"use client";

import { memo, useMemo } from "react";
import Markdown, { type Components, type Options } from "react-markdown";
import remarkGfm from "remark-gfm";
import { focusRing } from "@/components/ui/button";
import type { Citation } from "@/lib/chat/messages";
import { remarkCitationMarkers } from "./citation-markers";
import { safeUrl } from "./safe-url";

export interface AnswerMarkdownProps {
  text: string;
  citations: readonly Citation[];
  onCitationClick: (index: number) => void;
  activeCitation?: number;
}

/**
 * Renders a model-written answer as Markdown. The answer is untrusted:
 * - raw HTML is dropped (`skipHtml`, and no rehype-raw), so `<script>` never renders;
 * - URLs go through `safeUrl` (http, https, mailto only);
 * - images render as their alt text, so an answer cannot make the browser fetch anything.
 * `[n]` markers for known sources become buttons that select source n.
 */
export const AnswerMarkdown = memo(function AnswerMarkdown({
  text,
  citations,
  onCitationClick,
  activeCitation,
}: AnswerMarkdownProps) {
  const remarkPlugins = useMemo<Options["remarkPlugins"]>(
    () => [remarkGfm, [remarkCitationMarkers, { indices: citations.map((c) => c.index) }]],
    [citations],
  );

  const components = useMemo<Components>(() => {
    const titles = new Map(citations.map((c) => [c.index, c.title]));
    return {
      ...staticComponents,
      sup({ node, children, ...props }) {
        const index = Number(node?.properties?.dataCitation);
        const title = titles.get(index);
        if (title === undefined) return <sup {...props}>{children}</sup>;
        const active = index === activeCitation;
        return (
          <sup className="mx-px align-super leading-none">
            <button
              type="button"
              data-testid="citation-marker"
              data-active={active || undefined}
              aria-label={`Source ${index}: ${title}`}
              aria-pressed={active}
              onClick={() => onCitationClick(index)}
              className={`inline-flex h-4 min-w-4 cursor-pointer items-center justify-center rounded-full px-1 font-semibold text-[0.625rem] tabular-nums leading-none transition-colors ${
                active
                  ? "bg-brand text-brand-foreground"
                  : "bg-brand-soft text-brand hover:bg-brand hover:text-brand-foreground"
              } ${focusRing}`}
            >
              {index}
            </button>
          </sup>
        );
      },
    };
  }, [citations, activeCitation, onCitationClick]);

  return (
    <div data-testid="answer-markdown" className="break-words text-[0.9375rem] leading-7">
      <Markdown
        skipHtml
        urlTransform={safeUrl}
        remarkPlugins={remarkPlugins}
        components={components}
      >
        {text}
      </Markdown>
    </div>
  );
});

const staticComponents: Components = {
  a({ node: _node, href, children, ...props }) {
    // safeUrl removed the href: keep the words, lose the link.
    if (!href) return <span>{children}</span>;
    return (
      <a
        {...props}
        href={href}
        target="_blank"
        rel="noopener noreferrer nofollow"
        className={`rounded-sm font-medium text-brand underline decoration-brand/40 underline-offset-2 hover:decoration-brand ${focusRing}`}
      >
        {children}
        <span className="sr-only"> (opens in a new tab)</span>
      </a>
    );
  },
  img({ alt }) {
    // Never an <img>: an answer must not trigger requests (tracking pixels, exfiltration).
    if (!alt) return null;
    return <span className="text-muted italic">[{alt}]</span>;
  },
  p: ({ node: _node, ...props }) => <p className="my-3 first:mt-0 last:mb-0" {...props} />,
  ul: ({ node: _node, ...props }) => (
    <ul className="my-3 list-disc space-y-1 pl-6 marker:text-muted" {...props} />
  ),
  ol: ({ node: _node, ...props }) => (
    <ol className="my-3 list-decimal space-y-1 pl-6 marker:text-muted" {...props} />
  ),
  li: ({ node: _node, ...props }) => <li className="pl-1" {...props} />,
  h1: ({ node: _node, ...props }) => <h3 className="mt-5 mb-2 font-semibold text-lg" {...props} />,
  h2: ({ node: _node, ...props }) => (
    <h3 className="mt-5 mb-2 font-semibold text-base" {...props} />
  ),
  h3: ({ node: _node, ...props }) => <h4 className="mt-4 mb-2 font-semibold" {...props} />,
  h4: ({ node: _node, ...props }) => <h5 className="mt-4 mb-1 font-semibold" {...props} />,
  blockquote: ({ node: _node, ...props }) => (
    <blockquote className="my-3 border-border border-l-2 pl-4 text-muted" {...props} />
  ),
  hr: () => <hr className="my-5 border-border" />,
  code: ({ node: _node, ...props }) => (
    <code
      className="rounded bg-surface-muted px-1 py-0.5 font-mono text-[0.85em] [overflow-wrap:anywhere]"
      {...props}
    />
  ),
  pre: ({ node: _node, ...props }) => (
    <pre
      className="my-3 overflow-x-auto rounded-lg border border-border bg-surface-muted p-3 font-mono text-[0.8125rem] leading-6 [&_code]:bg-transparent [&_code]:p-0"
      {...props}
    />
  ),
  table: ({ node: _node, ...props }) => (
    <div className="my-3 overflow-x-auto rounded-lg border border-border">
      <table className="w-full border-collapse text-sm" {...props} />
    </div>
  ),
  th: ({ node: _node, ...props }) => (
    <th
      className="border-border border-b bg-surface-muted px-3 py-2 text-left font-semibold"
      {...props}
    />
  ),
  td: ({ node: _node, ...props }) => (
    <td className="border-border border-b px-3 py-2 align-top" {...props} />
  ),
};
