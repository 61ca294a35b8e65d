import { safeUrl } from "@/components/chat/safe-url";
import { focusRing } from "@/components/ui/button";
import { BookOpenIcon, ExternalLinkIcon } from "@/components/ui/icons";
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
