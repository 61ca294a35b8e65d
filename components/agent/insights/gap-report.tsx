import Link from "next/link";
import { focusRing } from "@/components/ui/button";
import { articlePath } from "@/lib/chat/article-links";
import type { GapGroup } from "@/lib/staff/insights-gaps";

/** Groups the page lists; the CSV has every group. */
export const SHOWN_GROUPS = 40;

const plural = (n: number, one: string, many = `${one}s`) =>
  `${n.toLocaleString("en-US")} ${n === 1 ? one : many}`;

/** The console's list of these chats (its "Chat ids" filter, every conversation). */
function consoleHref(chatIds: readonly string[]): string {
  return `/agent?${new URLSearchParams({ view: "all", ids: chatIds.join(",") }).toString()}`;
}

/** The knowledge-gap groups, most affected first. */
export function GapReport({ groups }: { groups: readonly GapGroup[] }) {
  if (groups.length === 0) {
    return (
      <p
        data-testid="gaps-empty"
        className="mt-4 rounded-xl border border-border bg-surface p-4 text-muted text-sm"
      >
        No knowledge gaps in this period: every question was answered with a source, a good score
        and no thumbs-down.
      </p>
    );
  }
  return (
    <ol data-testid="gap-groups" className="mt-4 flex flex-col gap-3">
      {groups.slice(0, SHOWN_GROUPS).map((g) => (
        <li
          key={`${g.label}-${g.latestAt}`}
          data-testid="gap-group"
          className="rounded-xl border border-border bg-surface p-4"
        >
          <div className="flex flex-wrap items-baseline justify-between gap-x-4 gap-y-1">
            <h3 className="min-w-0 break-words font-medium" data-testid="gap-label">
              {g.label}
            </h3>
            <p className="text-muted text-sm tabular-nums" data-testid="gap-count">
              {plural(g.questions, "question")} in {plural(g.chats, "chat")}
            </p>
          </div>
          <ul className="mt-2 flex flex-wrap gap-1.5 text-xs" aria-label="Why these are gaps">
            {g.notFound > 0 && (
              <li className="rounded-md bg-warning-soft px-1.5 py-0.5 text-warning-foreground">
                Couldn't find it: {g.notFound}
              </li>
            )}
            {g.lowScore > 0 && (
              <li className="rounded-md bg-danger-soft px-1.5 py-0.5 text-danger-foreground">
                Low score: {g.lowScore}
              </li>
            )}
            {g.thumbsDown > 0 && (
              <li className="rounded-md bg-surface-muted px-1.5 py-0.5 text-foreground">
                Thumbs down: {g.thumbsDown}
              </li>
            )}
          </ul>
          <div className="mt-3 grid gap-3 text-sm md:grid-cols-2">
            <div>
              <h4 className="font-medium text-muted text-xs uppercase tracking-wide">Asked as</h4>
              <ul className="mt-1 flex flex-col gap-0.5" data-testid="gap-examples">
                {g.examples.map((e) => (
                  <li key={e} className="break-words">
                    “{e}”
                  </li>
                ))}
              </ul>
            </div>
            <div>
              <h4 className="font-medium text-muted text-xs uppercase tracking-wide">
                Articles retrieved
              </h4>
              {g.articles.length === 0 ? (
                <p className="mt-1 text-muted">None: the search found nothing.</p>
              ) : (
                <ul className="mt-1 flex flex-col gap-0.5" data-testid="gap-articles">
                  {g.articles.map((a) => (
                    <li key={a.documentId} className="break-words">
                      <Link
                        href={articlePath(a.documentId)}
                        className={`rounded-sm text-brand underline-offset-2 hover:underline ${focusRing}`}
                      >
                        {a.title || a.documentId}
                      </Link>{" "}
                      <span className="text-muted">
                        ({a.documentId}, {plural(a.questions, "question")})
                      </span>
                    </li>
                  ))}
                </ul>
              )}
            </div>
          </div>
          <Link
            href={consoleHref(g.chatIds)}
            data-testid="gap-conversations"
            className={`mt-3 inline-block rounded-sm font-medium text-brand text-sm underline-offset-2 hover:underline ${focusRing}`}
          >
            Open {g.chatIds.length < g.chats ? `the newest ${g.chatIds.length} of ` : ""}
            {plural(g.chats, "conversation")}
          </Link>
        </li>
      ))}
    </ol>
  );
}
