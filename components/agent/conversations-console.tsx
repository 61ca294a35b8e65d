"use client";

import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { Button, focusRing } from "@/components/ui/button";
import { ChatError } from "@/lib/chat/errors";
import { ChatRow, ChatsTableHead } from "./chat-row";
import { type StaffChatRow, staffKeys } from "./types";

async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url, { cache: "no-store" });
  if (!response.ok) throw ChatError.fromResponseText(await response.text());
  return (await response.json()) as T;
}

type Tab = "triage" | "all";

/** The agent's home: the triage queue, and every conversation with a regex filter. */
export function ConversationsConsole() {
  const [tab, setTab] = useState<Tab>("triage");
  return (
    <div>
      <div className="flex flex-wrap items-end justify-between gap-4">
        <div>
          <h1 className="font-semibold text-2xl tracking-tight">Conversations</h1>
          <p className="mt-1 text-muted text-sm">
            Every visitor conversation, with the answers&rsquo; scores, sources and feedback.
          </p>
        </div>
        <div role="tablist" aria-label="Views" className="flex rounded-lg bg-surface-muted p-1">
          {(
            [
              ["triage", "Needs attention"],
              ["all", "All conversations"],
            ] as const
          ).map(([id, label]) => (
            <button
              key={id}
              type="button"
              role="tab"
              id={`tab-${id}`}
              aria-selected={tab === id}
              aria-controls={`panel-${id}`}
              data-testid={`tab-${id}`}
              onClick={() => setTab(id)}
              className={`rounded-md px-3 py-1.5 font-medium text-sm ${
                tab === id ? "bg-surface shadow-sm" : "text-muted hover:text-foreground"
              } ${focusRing}`}
            >
              {label}
            </button>
          ))}
        </div>
      </div>
      <div role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`} className="mt-6">
        {tab === "triage" ? <TriageQueue /> : <AllConversations />}
      </div>
    </div>
  );
}

function TriageQueue() {
  const triage = useQuery({
    queryKey: staffKeys.triage(),
    queryFn: () => getJson<{ rows: StaffChatRow[] }>("/api/agent/triage"),
  });
  return (
    <section data-testid="triage-queue" aria-label="Needs attention">
      <p className="mb-3 text-muted text-sm">
        Ordered by need: reported answers first, then thumbs-down, low factual-consistency scores,
        answers that cite nothing, and conversations already moderated. Mark a conversation reviewed
        to take it off the queue.
      </p>
      <ChatsTable
        rows={triage.data?.rows ?? []}
        pending={triage.isPending}
        error={triage.error}
        empty="Nothing needs attention right now."
      />
    </section>
  );
}

function AllConversations() {
  const [draft, setDraft] = useState({ filter: "", chatIds: "" });
  const [applied, setApplied] = useState({ filter: "", chatIds: "" });
  const chats = useInfiniteQuery({
    queryKey: staffKeys.chats(applied.filter, applied.chatIds),
    queryFn: ({ pageParam }) => {
      const params = new URLSearchParams();
      if (applied.filter) params.set("filter", applied.filter);
      const ids = applied.chatIds
        .split(/[\s,]+/)
        .filter(Boolean)
        .join(",");
      if (ids) params.set("chat_ids", ids);
      if (pageParam) params.set("page_key", pageParam);
      return getJson<{ rows: StaffChatRow[]; nextPageKey: string | null }>(
        `/api/agent/chats?${params}`,
      );
    },
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextPageKey,
  });
  const rows = chats.data?.pages.flatMap((p) => p.rows) ?? [];
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setApplied({ filter: draft.filter.trim(), chatIds: draft.chatIds.trim() });
  };
  return (
    <section aria-label="All conversations">
      <form onSubmit={submit} className="mb-4 flex flex-wrap items-end gap-3">
        <label className="flex min-w-64 flex-1 flex-col gap-1 text-sm">
          <span className="font-medium">Filter</span>
          <input
            data-testid="chats-filter"
            value={draft.filter}
            onChange={(e) => setDraft({ ...draft, filter: e.target.value })}
            placeholder="A regular expression over the first question or answer, e.g. refund|invoice"
            maxLength={500}
            className="rounded-lg border border-border bg-surface px-3 py-2 font-mono text-sm outline-none focus-visible:border-brand focus-visible:ring-2 focus-visible:ring-brand/30"
          />
        </label>
        <label className="flex min-w-48 flex-col gap-1 text-sm">
          <span className="font-medium">Chat ids</span>
          <input
            data-testid="chats-ids"
            value={draft.chatIds}
            onChange={(e) => setDraft({ ...draft, chatIds: e.target.value })}
            placeholder="cht_…, cht_…"
            className="rounded-lg border border-border bg-surface px-3 py-2 font-mono text-sm outline-none focus-visible:border-brand focus-visible:ring-2 focus-visible:ring-brand/30"
          />
        </label>
        <Button type="submit" variant="primary" data-testid="apply-filter">
          Apply
        </Button>
      </form>
      <ChatsTable
        rows={rows}
        pending={chats.isPending}
        error={chats.error}
        empty={
          chats.hasNextPage
            ? "No match in the conversations searched so far: load more to search further."
            : applied.filter || applied.chatIds
              ? "No conversation matches."
              : "No conversations yet."
        }
      />
      {chats.hasNextPage && (
        <div className="mt-4 flex justify-center">
          <Button
            data-testid="load-more"
            onClick={() => void chats.fetchNextPage()}
            disabled={chats.isFetchingNextPage}
          >
            {chats.isFetchingNextPage ? "Loading…" : "Load more"}
          </Button>
        </div>
      )}
    </section>
  );
}

function ChatsTable({
  rows,
  pending,
  error,
  empty,
}: {
  rows: StaffChatRow[];
  pending: boolean;
  error: Error | null;
  empty: string;
}) {
  if (error) {
    return (
      <p
        role="alert"
        data-testid="chats-error"
        className="rounded-lg bg-danger-soft px-4 py-3 text-danger-foreground text-sm"
      >
        {error.message}
      </p>
    );
  }
  return (
    <div className="overflow-x-auto rounded-xl border border-border bg-surface">
      <table data-testid="chats-table" className="w-full border-collapse text-sm">
        <ChatsTableHead />
        <tbody>
          {rows.map((row) => (
            <ChatRow key={row.chatId} row={row} />
          ))}
        </tbody>
      </table>
      {pending ? (
        <p className="px-4 py-6 text-center text-muted text-sm">Loading…</p>
      ) : rows.length === 0 ? (
        <p data-testid="chats-empty" className="px-4 py-6 text-center text-muted text-sm">
          {empty}
        </p>
      ) : null}
    </div>
  );
}
