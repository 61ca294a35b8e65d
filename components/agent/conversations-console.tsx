"use client";

import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { type FormEvent, type KeyboardEvent, useId, useState } from "react";
import { staffKeys } from "@/components/query-keys";
import { fetchChats, fetchTriage } from "@/components/staff/api";
import { Alert } from "@/components/ui/alert";
import { Button, focusRing } from "@/components/ui/button";
import { AppError } from "@/lib/http/errors";
import { ChatRow, ChatsTableHead } from "./chat-row";
import {
  type ConsoleSearch,
  consoleSearchQuery,
  readConsoleSearch,
  type SearchMode,
  type StaffChatRow,
} from "./types";

type Tab = ConsoleSearch["view"];

const TABS: readonly (readonly [Tab, string])[] = [
  ["triage", "Needs attention"],
  ["all", "All conversations"],
];

/**
 * The agent's home: the triage queue, and every conversation with a search by words
 * or by regular expression. The view and the search live in the URL.
 */
export function ConversationsConsole() {
  const router = useRouter();
  const pathname = usePathname();
  const state = readConsoleSearch(useSearchParams());
  const go = (next: ConsoleSearch) =>
    router.push(`${pathname}${consoleSearchQuery(next)}`, { scroll: false });
  const tab = state.view;
  const show = (view: Tab) => {
    if (view !== tab) go({ ...state, view });
  };
  // The tablist is one Tab stop (roving tabindex); the arrow keys, Home and End move
  // between the tabs and show the one they land on.
  const onTabKey = (event: KeyboardEvent<HTMLDivElement>) => {
    const at = TABS.findIndex(([id]) => id === tab);
    const to =
      event.key === "ArrowRight"
        ? (at + 1) % TABS.length
        : event.key === "ArrowLeft"
          ? (at - 1 + TABS.length) % TABS.length
          : event.key === "Home"
            ? 0
            : event.key === "End"
              ? TABS.length - 1
              : null;
    if (to === null) return;
    event.preventDefault();
    const next = TABS[to]?.[0] ?? tab;
    show(next);
    document.getElementById(`tab-${next}`)?.focus();
  };
  return (
    <div>
      <div className="flex flex-wrap items-end justify-between gap-4">
        <div>
          <h1 className="font-semibold text-2xl tracking-tight">Conversations</h1>
          <p className="mt-1 text-muted text-sm">
            Every visitor conversation, with the answers&rsquo; scores, sources and feedback.
          </p>
        </div>
        <div
          role="tablist"
          aria-label="Views"
          onKeyDown={onTabKey}
          className="flex rounded-lg bg-surface-muted p-1"
        >
          {TABS.map(([id, label]) => (
            <button
              key={id}
              type="button"
              role="tab"
              id={`tab-${id}`}
              aria-selected={tab === id}
              aria-controls={`panel-${id}`}
              tabIndex={tab === id ? 0 : -1}
              data-testid={`tab-${id}`}
              onClick={() => show(id)}
              className={`rounded-md px-3 py-1.5 font-medium text-sm ${
                tab === id
                  ? "bg-brand text-brand-foreground shadow-sm"
                  : "text-muted hover:text-foreground"
              } ${focusRing}`}
            >
              {label}
            </button>
          ))}
        </div>
      </div>
      {/* Both panels are rendered, so each tab's aria-controls names an element; only the
          selected one has content. */}
      {TABS.map(([id]) => (
        <div
          key={id}
          role="tabpanel"
          id={`panel-${id}`}
          aria-labelledby={`tab-${id}`}
          hidden={tab !== id}
          className="mt-6"
        >
          {tab !== id ? null : id === "triage" ? (
            <TriageQueue />
          ) : (
            <AllConversations state={state} onSearch={go} />
          )}
        </div>
      ))}
    </div>
  );
}

function TriageQueue() {
  const triage = useQuery({
    queryKey: staffKeys.triage(),
    queryFn: fetchTriage,
  });
  return (
    <section data-testid="triage-queue" aria-label="Needs attention">
      <p className="mb-3 text-muted text-sm">
        Ordered by need: visitors waiting for a person first (open requests, then contacted ones),
        then reported answers, thumbs-down, low factual-consistency scores, answers that cite
        nothing, and conversations already moderated. Mark a conversation reviewed to take it off
        the queue; close a request for a person once it is handled.
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

const MODES: readonly { id: SearchMode; label: string }[] = [
  { id: "words", label: "Words" },
  { id: "regex", label: "Regular expression" },
];

const HELP: Record<SearchMode, string> = {
  words:
    "Finds conversations where every word appears, in any order, in any turn’s question or answer; letter case and punctuation don’t matter. Only conversations started in Parley’s chat can be searched by words: chats created directly through the API are not, so use a regular expression for those.",
  regex:
    "An RE2 regular expression over each conversation’s first question or answer, e.g. refund|invoice; add (?i) to ignore letter case. It covers every conversation, those created through the API too.",
};

const PLACEHOLDER: Record<SearchMode, string> = {
  words: "e.g. password reset",
  regex: "e.g. refund|invoice",
};

function AllConversations({
  state,
  onSearch,
}: {
  state: ConsoleSearch;
  onSearch: (next: ConsoleSearch) => void;
}) {
  const { mode, q, ids } = state;
  const chats = useInfiniteQuery({
    queryKey: staffKeys.chats(mode, q, ids),
    queryFn: ({ pageParam }) => fetchChats(mode, q, ids, pageParam),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextPageKey,
    retry: (count, error) => !(error instanceof AppError && error.status < 500) && count < 2,
  });
  const rows = chats.data?.pages.flatMap((p) => p.rows) ?? [];
  // A search the server refused (400) is shown at the search box; other errors replace the table.
  const badSearch =
    chats.error instanceof AppError && chats.error.status === 400 ? chats.error.message : null;
  return (
    <section aria-label="All conversations">
      {/* Keyed by the applied search, so Back and Forward show what the URL says. */}
      <SearchForm
        key={`${mode}\u0000${q}\u0000${ids}`}
        state={state}
        invalid={badSearch}
        onSearch={onSearch}
      />
      <ChatsTable
        rows={rows}
        pending={chats.isPending}
        error={badSearch ? null : chats.error}
        searching={mode === "words" && q !== ""}
        empty={
          badSearch
            ? "Correct the search above to see conversations."
            : chats.hasNextPage
              ? "No match in the conversations searched so far: load more to search further."
              : q || ids
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

const inputClass =
  "rounded-lg border border-border bg-surface px-3 py-2 text-sm outline-none focus-visible:border-brand focus-visible:ring-2 focus-visible:ring-brand/30 aria-invalid:border-danger";

function SearchForm({
  state,
  invalid,
  onSearch,
}: {
  state: ConsoleSearch;
  invalid: string | null;
  onSearch: (next: ConsoleSearch) => void;
}) {
  const [draft, setDraft] = useState({ mode: state.mode, q: state.q, ids: state.ids });
  const helpId = useId();
  const errorId = useId();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onSearch({ view: "all", mode: draft.mode, q: draft.q.trim(), ids: draft.ids.trim() });
  };
  return (
    <form onSubmit={submit} className="mb-4 flex flex-col gap-2">
      <div className="flex flex-wrap items-end gap-3">
        <fieldset className="flex flex-col gap-1 text-sm">
          <legend className="mb-1 font-medium">Search by</legend>
          <div className="flex rounded-lg bg-surface-muted p-1">
            {MODES.map((m) => (
              <label
                key={m.id}
                data-testid={`search-mode-${m.id}`}
                className={`cursor-pointer rounded-md px-3 py-1.5 font-medium has-focus-visible:ring-2 has-focus-visible:ring-brand ${
                  draft.mode === m.id
                    ? "bg-brand text-brand-foreground shadow-sm"
                    : "text-muted hover:text-foreground"
                }`}
              >
                <input
                  type="radio"
                  name="search-mode"
                  value={m.id}
                  checked={draft.mode === m.id}
                  onChange={() => setDraft({ ...draft, mode: m.id })}
                  className="sr-only"
                />
                {m.label}
              </label>
            ))}
          </div>
        </fieldset>
        <label className="flex min-w-64 flex-1 flex-col gap-1 text-sm">
          <span className="font-medium">{draft.mode === "words" ? "Words" : "Pattern"}</span>
          <input
            data-testid="chats-filter"
            type="search"
            value={draft.q}
            onChange={(e) => setDraft({ ...draft, q: e.target.value })}
            placeholder={PLACEHOLDER[draft.mode]}
            maxLength={draft.mode === "words" ? 200 : 500}
            aria-describedby={invalid ? `${errorId} ${helpId}` : helpId}
            aria-invalid={invalid ? true : undefined}
            className={`${inputClass} ${draft.mode === "regex" ? "font-mono" : ""}`}
          />
        </label>
        <label className="flex min-w-48 flex-col gap-1 text-sm">
          <span className="font-medium">Chat ids</span>
          <input
            data-testid="chats-ids"
            value={draft.ids}
            onChange={(e) => setDraft({ ...draft, ids: e.target.value })}
            placeholder="cht_…, cht_…"
            className={`${inputClass} font-mono`}
          />
        </label>
        <Button type="submit" variant="primary" data-testid="apply-filter" className="py-2">
          Search
        </Button>
      </div>
      {invalid && (
        <Alert id={errorId} data-testid="search-error">
          {invalid}
        </Alert>
      )}
      <p id={helpId} data-testid="search-help" className="max-w-3xl text-muted text-xs">
        {HELP[draft.mode]}
      </p>
    </form>
  );
}

function ChatsTable({
  rows,
  pending,
  error,
  empty,
  searching = false,
}: {
  rows: StaffChatRow[];
  pending: boolean;
  error: Error | null;
  empty: string;
  searching?: boolean;
}) {
  if (error) {
    return (
      <Alert data-testid="chats-error" size="md">
        {error.message}
      </Alert>
    );
  }
  return (
    <div className="overflow-x-auto rounded-xl border border-border bg-surface">
      <table
        data-testid="chats-table"
        aria-busy={pending}
        className="w-full border-collapse text-sm"
      >
        <ChatsTableHead />
        <tbody>
          {rows.map((row) => (
            <ChatRow key={row.chatId} row={row} />
          ))}
        </tbody>
      </table>
      {pending ? (
        <p className="px-4 py-6 text-center text-muted text-sm">
          {searching ? "Searching…" : "Loading…"}
        </p>
      ) : rows.length === 0 ? (
        <p data-testid="chats-empty" className="px-4 py-6 text-center text-muted text-sm">
          {empty}
        </p>
      ) : null}
    </div>
  );
}
