"use client";

import { useInfiniteQuery, useMutation, useQueryClient } from "@tanstack/react-query";
import dynamic from "next/dynamic";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { useEffect, useMemo, useRef, useState } from "react";
import { deleteChat, fetchHistory } from "@/components/chat/api";
import { useChatSession } from "@/components/chat/chat-session";
import { chatKeys } from "@/components/query-keys";
import { Alert } from "@/components/ui/alert";
import { focusRing } from "@/components/ui/button";
import { PlusIcon, TrashIcon } from "@/components/ui/icons";
import type { ChatSummary } from "@/lib/chat/messages";
import { groupChatsByDate } from "./group-by-date";

// Loaded when someone first asks to delete a conversation.
const DeleteChatDialog = dynamic(() =>
  import("./delete-chat-dialog").then((m) => m.DeleteChatDialog),
);

/** Tailwind's `md` breakpoint: from here on the sidebar is a column, not a sheet. */
const WIDE_SCREEN = "(min-width: 48rem)";

/** The sheet's keyboard stops, in order. */
function focusables(root: HTMLElement): HTMLElement[] {
  return [
    ...root.querySelectorAll<HTMLElement>(
      'a[href], button:not([disabled]), input:not([disabled]), [tabindex]:not([tabindex="-1"])',
    ),
  ].filter((el) => el.tabIndex >= 0 && el.getClientRects().length > 0);
}

/**
 * The visitor's conversations, newest first and grouped by date, loaded a page at a
 * time as the list scrolls. A column on wide screens; a sheet on phones, opened from
 * the header.
 */
export function HistorySidebar() {
  const { routes, startNewChat, forgetChat, historyOpen, setHistoryOpen } = useChatSession();
  const pathname = usePathname();
  const activeChatId = routes.chatIdOf(pathname);
  const [pendingDelete, setPendingDelete] = useState<ChatSummary | null>(null);

  const history = useInfiniteQuery({
    queryKey: chatKeys.history(),
    queryFn: ({ pageParam }) => fetchHistory(pageParam),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
  });
  const chats = useMemo(() => history.data?.pages.flatMap((p) => p.chats) ?? [], [history.data]);
  const groups = useMemo(() => groupChatsByDate(chats), [chats]);

  const sentinel = useRef<HTMLDivElement>(null);
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = history;
  useEffect(() => {
    const el = sentinel.current;
    if (!el || !hasNextPage) return;
    const observer = new IntersectionObserver(
      (entries) => {
        if (entries.some((e) => e.isIntersecting) && !isFetchingNextPage) void fetchNextPage();
      },
      { rootMargin: "200px" },
    );
    observer.observe(el);
    return () => observer.disconnect();
  }, [hasNextPage, isFetchingNextPage, fetchNextPage]);

  // On a phone the open sheet is modal: the page behind it is inert, Tab and Shift+Tab
  // cycle inside it, Escape closes it, and focus goes back to the button that opened it.
  const sheet = useRef<HTMLElement>(null);
  useEffect(() => {
    const aside = sheet.current;
    if (!historyOpen || !aside) return;
    const wide = window.matchMedia(WIDE_SCREEN);
    if (wide.matches) return;
    const madeInert: HTMLElement[] = [];
    for (let el: HTMLElement | null = aside; el && el !== document.body; el = el.parentElement) {
      for (const sibling of el.parentElement?.children ?? []) {
        if (sibling === el || !(sibling instanceof HTMLElement)) continue;
        if (sibling.inert || sibling.hasAttribute("data-sheet-backdrop")) continue;
        sibling.inert = true;
        madeInert.push(sibling);
      }
    }
    focusables(aside)[0]?.focus();
    const onKey = (e: KeyboardEvent) => {
      // A confirmation dialog over the sheet handles its own keys.
      if (e.target instanceof Element && e.target.closest("dialog")) return;
      if (e.key === "Escape") {
        setHistoryOpen(false);
        return;
      }
      if (e.key !== "Tab") return;
      const items = focusables(aside);
      const first = items[0];
      const last = items.at(-1);
      if (!first || !last) return;
      const active = document.activeElement;
      if (e.shiftKey && (active === first || !aside.contains(active))) {
        e.preventDefault();
        last.focus();
      } else if (!e.shiftKey && (active === last || !aside.contains(active))) {
        e.preventDefault();
        first.focus();
      }
    };
    // Wider than a phone the sidebar is a column again, never a sheet.
    const onResize = () => {
      if (wide.matches) setHistoryOpen(false);
    };
    window.addEventListener("keydown", onKey);
    wide.addEventListener("change", onResize);
    return () => {
      window.removeEventListener("keydown", onKey);
      wide.removeEventListener("change", onResize);
      for (const el of madeInert) el.inert = false;
      // Back to the button that opened the sheet, unless focus has moved on elsewhere.
      const active = document.activeElement;
      if (!active || active === document.body || aside.contains(active)) {
        document.querySelector<HTMLElement>('[aria-controls="history-sidebar"]')?.focus();
      }
    };
  }, [historyOpen, setHistoryOpen]);

  const queryClient = useQueryClient();
  const remove = useMutation({
    mutationFn: deleteChat,
    onSuccess: (_data, chatId) => {
      setPendingDelete(null);
      forgetChat({ onScreen: chatId === activeChatId });
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: chatKeys.history() }),
  });

  return (
    <>
      {historyOpen && (
        <button
          type="button"
          aria-label="Close conversations"
          data-sheet-backdrop
          tabIndex={-1}
          onClick={() => setHistoryOpen(false)}
          className="fixed inset-0 z-30 bg-black/40 md:hidden"
        />
      )}
      <aside
        ref={sheet}
        id="history-sidebar"
        data-testid="history-sidebar"
        aria-labelledby="conversations-heading"
        className={`fixed inset-y-0 left-0 z-40 flex w-80 max-w-[85vw] flex-col border-border border-r bg-surface-muted shadow-xl transition-transform md:static md:z-auto md:w-72 md:translate-x-0 md:shadow-none ${
          historyOpen ? "translate-x-0" : "max-md:invisible -translate-x-full"
        }`}
      >
        <div className="flex items-center justify-between gap-2 px-4 pt-4 pb-2">
          <h2
            id="conversations-heading"
            className="font-semibold text-muted text-xs uppercase tracking-wider"
          >
            Conversations
          </h2>
          <button
            type="button"
            data-testid="new-chat"
            onClick={startNewChat}
            className={`inline-flex items-center gap-1.5 rounded-lg border border-border bg-surface px-2.5 py-1.5 font-medium text-sm shadow-sm hover:bg-brand-soft ${focusRing}`}
          >
            <PlusIcon className="size-4" />
            New chat
          </button>
        </div>

        <nav aria-label="Your conversations" className="min-h-0 flex-1 overflow-y-auto px-2 pb-4">
          {history.isPending ? (
            <p className="px-3 py-4 text-muted text-sm">Loading…</p>
          ) : history.isError && chats.length === 0 ? (
            <div className="px-3 py-4 text-sm">
              <Alert variant="text" announce={false}>
                Your conversations could not be loaded.
              </Alert>
              <button
                type="button"
                onClick={() => void history.refetch()}
                className={`mt-2 rounded-md font-medium text-brand underline-offset-2 hover:underline ${focusRing}`}
              >
                Try again
              </button>
            </div>
          ) : chats.length === 0 ? (
            <div className="mx-2 mt-2 rounded-lg border border-border border-dashed px-4 py-5 text-sm">
              <p className="font-medium">No conversations yet</p>
              <p className="mt-1 text-muted leading-relaxed">
                Questions you ask are kept here, in this browser, so you can pick them up again.
              </p>
            </div>
          ) : (
            groups.map((group) => (
              <section key={group.label} className="mt-3 first:mt-1">
                <h3 className="px-3 pb-1 font-medium text-muted text-xs">{group.label}</h3>
                <ul>
                  {group.chats.map((chat) => (
                    <HistoryItem
                      key={chat.chatId}
                      chat={chat}
                      href={routes.chat(chat.chatId)}
                      active={chat.chatId === activeChatId}
                      onOpen={() => setHistoryOpen(false)}
                      onDelete={() => setPendingDelete(chat)}
                    />
                  ))}
                </ul>
              </section>
            ))
          )}
          <div ref={sentinel} aria-hidden="true" className="h-px" />
          {isFetchingNextPage && <p className="px-3 py-2 text-muted text-xs">Loading more…</p>}
        </nav>
      </aside>
      {pendingDelete && (
        <DeleteChatDialog
          chat={pendingDelete}
          pending={remove.isPending}
          error={remove.error?.message}
          onConfirm={() => remove.mutate(pendingDelete.chatId)}
          onCancel={() => {
            remove.reset();
            setPendingDelete(null);
          }}
        />
      )}
    </>
  );
}

function HistoryItem({
  chat,
  href,
  active,
  onOpen,
  onDelete,
}: {
  chat: ChatSummary;
  href: string;
  active: boolean;
  onOpen: () => void;
  onDelete: () => void;
}) {
  return (
    <li
      data-testid="history-item"
      data-chat-id={chat.chatId}
      data-active={active || undefined}
      className={`group relative flex items-center rounded-lg ${
        active ? "bg-brand-soft text-foreground" : "hover:bg-surface"
      }`}
    >
      <Link
        href={href}
        onClick={onOpen}
        aria-current={active ? "page" : undefined}
        className={`min-w-0 flex-1 truncate rounded-lg py-2 pr-9 pl-3 text-sm ${
          active ? "font-medium" : ""
        } ${focusRing}`}
        title={chat.title}
      >
        {chat.title}
      </Link>
      <button
        type="button"
        data-testid="delete-chat"
        onClick={onDelete}
        aria-label={`Delete conversation: ${chat.title}`}
        className={`absolute right-1 grid size-7 place-items-center rounded-md text-muted opacity-0 hover:bg-danger-soft hover:text-danger focus-visible:opacity-100 group-hover:opacity-100 max-md:opacity-100 ${focusRing}`}
      >
        <TrashIcon className="size-4" />
      </button>
    </li>
  );
}
