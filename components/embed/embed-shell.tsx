"use client";

import { type ReactNode, useCallback, useEffect, useMemo, useRef, useState } from "react";
import { useChatSession } from "@/components/chat/chat-session";
import { type AnswerEvent, EmbedBridgeContext } from "@/components/chat/embed-bridge";
import { setVisitorToken } from "@/components/chat/visitor-fetch";
import { HistorySidebar } from "@/components/history/history-sidebar";
import { HistoryButton } from "@/components/shell/history-button";
import { focusRing } from "@/components/ui/button";
import { InfoIcon, PlusIcon } from "@/components/ui/icons";
import { acceptHostMessage, type FrameMessage } from "./host-messages";

type Storage = "cookie" | "memory";

/**
 * Whether the browser kept this frame's visitor cookie: asked once per page load, before
 * any of the visitor's requests (they wait for it in `visitorFetch`). Where it did not,
 * the server hands over a visitor token that lives as long as this page.
 */
let storageProbe: Promise<Storage> | undefined;

function probeStorage(): Promise<Storage> {
  // Rendering on the server: nothing to ask, and nothing to keep between requests.
  if (typeof window === "undefined") return Promise.resolve("cookie");
  if (!storageProbe) {
    const answer = fetch("/api/embed/session", { cache: "no-store" })
      .then((r) => (r.ok ? r.json() : { storage: "cookie" }))
      .then((body: unknown) => readProbe(body))
      .catch(() => ({ storage: "cookie" as const, token: null }));
    setVisitorToken(answer.then((a) => a.token));
    storageProbe = answer.then((a) => a.storage);
  }
  return storageProbe;
}

function readProbe(body: unknown): { storage: Storage; token: string | null } {
  if (
    typeof body === "object" &&
    body !== null &&
    "storage" in body &&
    body.storage === "memory" &&
    "token" in body &&
    typeof body.token === "string"
  ) {
    return { storage: "memory", token: body.token };
  }
  return { storage: "cookie", token: null };
}

/**
 * The origin of the page that frames this one: `location.ancestorOrigins` where the
 * browser has it, else the referrer of the frame's first load (only the origin, under the
 * default referrer policy). Null when not framed.
 */
function framingOrigin(): string | null {
  if (window.parent === window) return null;
  const ancestor = window.location.ancestorOrigins?.[0];
  if (ancestor) return ancestor;
  try {
    return document.referrer ? new URL(document.referrer).origin : null;
  } catch {
    return null;
  }
}

/**
 * The widget's frame: a compact header (conversations, new chat), the chat, and the
 * conversations sheet. It speaks the host page's postMessage protocol
 * (`host-messages.ts`): a `hello` from an allowed origin makes that page the one it
 * answers; `ask` and `focus` act on the chat; Escape and finished answers are told to it.
 */
export function EmbedShell({
  allowedOrigins,
  children,
}: {
  allowedOrigins: readonly string[];
  children: ReactNode;
}) {
  // Started while rendering, so it is under way before the first request of the chat.
  useState(probeStorage);
  const [storage, setStorage] = useState<Storage | null>(null);
  const { historyOpen, startNewChat } = useChatSession();
  const hostOrigin = useRef<string | null>(null);
  const ask = useRef<((question: string) => boolean) | null>(null);
  const pendingQuestion = useRef<string | null>(null);

  const post = useCallback((message: FrameMessage) => {
    if (hostOrigin.current) window.parent.postMessage(message, hostOrigin.current);
  }, []);

  /** Sends the host's waiting question once a chat takes it (none streaming). */
  const deliver = useCallback(() => {
    const question = pendingQuestion.current;
    if (question && ask.current?.(question)) pendingQuestion.current = null;
  }, []);

  useEffect(() => {
    void probeStorage().then(setStorage);
  }, []);

  // The host's `hello` may come before this page is listening (the frame's load event can
  // fire before it hydrates), so the frame also says `ready` by itself to the page that
  // frames it, when that page's origin is known and allowed.
  useEffect(() => {
    const origin = framingOrigin();
    if (!origin || !allowedOrigins.includes(origin)) return;
    hostOrigin.current = origin;
    void probeStorage().then((s) => post({ parley: "ready", storage: s }));
  }, [allowedOrigins, post]);

  useEffect(() => {
    const onMessage = (event: MessageEvent) => {
      const message = acceptHostMessage(event, { parent: window.parent, allowedOrigins });
      if (!message) return;
      if (message.parley === "hello") {
        hostOrigin.current = event.origin;
        void probeStorage().then((s) => post({ parley: "ready", storage: s }));
      } else if (message.parley === "focus") {
        document.querySelector<HTMLElement>("[data-testid=chat-input]")?.focus();
      } else {
        pendingQuestion.current = message.question;
        deliver();
      }
    };
    window.addEventListener("message", onMessage);
    return () => window.removeEventListener("message", onMessage);
  }, [allowedOrigins, post, deliver]);

  // Escape closes the widget, unless something in the frame uses it first (the
  // conversations sheet, a dialog).
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== "Escape" || e.defaultPrevented || historyOpen) return;
      if (document.querySelector("dialog[open]")) return;
      post({ parley: "close" });
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [historyOpen, post]);

  const bridge = useMemo(
    () => ({
      answered(event: AnswerEvent) {
        post({ parley: "answer", ...event });
        // A question the host asked while this answer streamed goes next.
        setTimeout(deliver, 0);
      },
      takeQuestions(handler: ((question: string) => boolean) | null) {
        ask.current = handler;
        if (handler) setTimeout(deliver, 0);
      },
    }),
    [post, deliver],
  );

  const memory = storage === "memory";
  return (
    <EmbedBridgeContext.Provider value={bridge}>
      <div data-testid="embed-shell" className="relative flex h-dvh flex-col overflow-hidden">
        <header className="flex h-11 shrink-0 items-center justify-between gap-2 border-border border-b bg-surface px-3">
          <div className="flex items-center">{!memory && <HistoryButton />}</div>
          <button
            type="button"
            data-testid="embed-new-chat"
            onClick={startNewChat}
            className={`inline-flex items-center gap-1.5 rounded-lg px-2 py-1 font-medium text-sm hover:bg-surface-muted ${focusRing}`}
          >
            <PlusIcon className="size-4" />
            New chat
          </button>
        </header>
        {memory && (
          <p
            data-testid="embed-storage-notice"
            className="flex shrink-0 items-start gap-2 border-border border-b bg-surface-muted px-3 py-2 text-muted text-xs leading-relaxed"
          >
            <InfoIcon className="mt-0.5 size-3.5 shrink-0" />
            This browser does not let the chat keep a cookie on this site, so your conversation
            lasts only while this page is open.
          </p>
        )}
        <div className="flex min-h-0 flex-1">
          {!memory && <HistorySidebar />}
          <main data-testid="main" className="relative flex min-h-0 min-w-0 flex-1 flex-col">
            {children}
          </main>
        </div>
      </div>
    </EmbedBridgeContext.Provider>
  );
}
