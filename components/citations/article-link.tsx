import { safeUrl } from "@/components/chat/safe-url";
import { focusRing } from "@/components/ui/button";
import { ExternalLinkIcon } from "@/components/ui/icons";
import type { ArticleLink } from "@/lib/chat/article-links";

/**
 * A source's article link: "Read article" opens the in-app reader at the cited passage,
 * "Open article" the document's own page. Both open in a new tab, so the conversation
 * stays where it was.
 */
export function ArticleLinkAnchor({
  link,
  title,
  className = "",
}: {
  link: ArticleLink;
  title: string;
  className?: string;
}) {
  const base = `inline-flex items-center gap-1 rounded-md font-medium text-brand hover:underline ${focusRing} ${className}`;
  if (link.kind === "source") {
    // Only http(s): anything else never becomes a link.
    const href = safeUrl(link.href);
    if (!href) return null;
    return (
      <a href={href} target="_blank" rel="noopener noreferrer" className={base}>
        Open article
        <ExternalLinkIcon className="size-3.5" />
        <span className="sr-only"> (opens in a new tab)</span>
      </a>
    );
  }
  return (
    <a
      href={link.href}
      target="_blank"
      rel="noopener"
      data-testid="article-link"
      aria-label={`Read article: ${title} (opens in a new tab)`}
      className={base}
    >
      <BookOpenIcon className="size-3.5" />
      Read article
    </a>
  );
}

/** An open book: the in-app reader (drawn here, as components/ui/icons.tsx draws its own). */
function BookOpenIcon({ className }: { className?: string }) {
  return (
    <svg
      aria-hidden="true"
      focusable="false"
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth="1.8"
      strokeLinecap="round"
      strokeLinejoin="round"
      className={className}
    >
      <path d="M2 4h6a4 4 0 0 1 4 4v13a3 3 0 0 0-3-3H2z" />
      <path d="M22 4h-6a4 4 0 0 0-4 4v13a3 3 0 0 1 3-3h7z" />
    </svg>
  );
}
