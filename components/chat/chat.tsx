"use client";

import { useChat } from "@ai-sdk/react";
import { useQueryClient } from "@tanstack/react-query";
import { DefaultChatTransport } from "ai";
import dynamic from "next/dynamic";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { chatKeys } from "@/components/query-keys";
import { numberSources } from "@/lib/chat/cited";
import type { ChatMessage } from "@/lib/chat/messages";
import { AppError } from "@/lib/http/errors";
import { postStop } from "./api";
import { AssistantMessage } from "./assistant-message";
import { ChatErrorNotice } from "./chat-error";
import { useChatSession } from "./chat-session";
import { Composer } from "./composer";
import { type AnswerEvent, useEmbedBridge } from "./embed-bridge";
import { EmptyState } from "./empty-state";
import { UserMessage } from "./user-message";
import { visitorFetch } from "./visitor-fetch";

// The way to a person, loaded once the conversation exists: not in `/`'s first load
// (bench:ui), and server-rendered with a conversation page.
// Its own Suspense boundary (`loading`), so its first load never holds up the answer's text.
const HandoffBar = dynamic(() => import("./handoff-status").then((m) => m.HandoffBar), {
  loading: () => null,
});

export interface ChatProps {
  /** The Vectara chat to continue; unset on `/`, where the first answer creates one. */
  chatId?: string;
  initialMessages?: ChatMessage[];
  examples?: string[];
  /**
   * The turn whose answer was still being generated when the page was rendered (a reload
   * mid-answer): the page resumes it from the server's stored stream.
   */
  resumeTurnId?: string;
}

/**
 * The end user's conversation: `useChat` over Parley's `/api/chat`, which streams
 * Vectara's answer as typed UI message parts. Only the new question goes to the
 * server; Vectara keeps the chat's history.
 */
export function Chat({
  chatId: initialChatId,
  initialMessages = [],
  examples = [],
  resumeTurnId,
}: ChatProps) {
  const queryClient = useQueryClient();
  const { routes, surface } = useChatSession();
  // In the widget's frame: the host page's questions in, its `answer` events out.
  const bridge = useEmbedBridge();
  const chatIdRef = useRef<string | null>(initialChatId ?? null);
  // The chat a first answer is creating, named by its `data-chat-info`. The server stores
  // the question in it from then on, whatever becomes of the answer, so the chat is the
  // visitor's even when they stop the answer or it fails.
  const pendingChatIdRef = useRef<string | null>(null);
  // The stopped or failed answer a "Regenerate" asks again, taken back by the server first.
  const replaceTurnRef = useRef<string | null>(null);
  // The answer a reconnect asks the server for: the one this page was rendered waiting for,
  // or the one whose connection dropped.
  const resumeTurnRef = useRef<string | null>(resumeTurnId ?? null);
  const reconnectsRef = useRef(0);
  const [stopped, setStopped] = useState<ReadonlySet<string>>(new Set());
  const [announcement, setAnnouncement] = useState("");

  const transport = useMemo(
    () =>
      new DefaultChatTransport<ChatMessage>({
        api: "/api/chat",
        fetch: visitorFetch,
        prepareSendMessagesRequest: ({ messages, trigger }) => {
          const last = messages.findLast((m) => m.role === "user");
          const replaceTurnId =
            trigger === "regenerate-message" && chatIdRef.current ? replaceTurnRef.current : null;
          replaceTurnRef.current = null;
          return {
            body: {
              chatId: chatIdRef.current,
              ...(replaceTurnId && { replaceTurnId }),
              message: last && {
                id: last.id,
                role: "user",
                parts: last.parts.filter((p) => p.type === "text"),
              },
            },
          };
        },
        // GET /api/chat/<chat>/stream: the server replays the answer from its start and
        // follows it to its end (204 when there is nothing to resume).
        prepareReconnectToStreamRequest: ({ id }) => {
          const chatId = chatIdRef.current ?? pendingChatIdRef.current ?? id;
          const turn = resumeTurnRef.current;
          return {
            api: `/api/chat/${encodeURIComponent(chatId)}/stream${turn ? `?turn=${encodeURIComponent(turn)}` : ""}`,
          };
        },
      }),
    [],
  );

  const { messages, sendMessage, regenerate, stop, status, error, clearError, resumeStream } =
    useChat<ChatMessage>({
      id: initialChatId,
      messages: initialMessages,
      transport,
      experimental_throttle: 40,
      // A page rendered mid-answer picks the answer up where it is.
      resume: resumeTurnId !== undefined,
      onData: (part) => {
        if (part.type !== "data-chat-info") return;
        pendingChatIdRef.current = part.data.chatId;
        // A regenerated first answer starts a new chat in place of the old one (the server
        // deleted it with its only answer): the page follows it.
        if (chatIdRef.current !== null && chatIdRef.current !== part.data.chatId) {
          chatIdRef.current = part.data.chatId;
        }
        // The chat is named: it gets its own address once the answer's first words are on
        // screen (the effect below), so that a reload mid-answer opens it and resumes it.
      },
      onFinish: ({ message, isAbort, isError, isDisconnect }) => {
        // The connection dropped mid-answer: the server goes on generating it, so the
        // page reconnects and replays it (a few times at most), rather than show it cut.
        const turnId = turnIdOf(message);
        if (isDisconnect && turnId && reconnectsRef.current < MAX_RECONNECTS) {
          reconnectsRef.current += 1;
          resumeTurnRef.current = turnId;
          // Offline, it waits to be back online.
          const reconnect = () => {
            if (navigator.onLine) void resumeStream();
            else window.addEventListener("online", () => void resumeStream(), { once: true });
          };
          setTimeout(reconnect, RECONNECT_DELAY_MS * reconnectsRef.current);
          return;
        }
        reconnectsRef.current = 0;
        adoptChat();
        const chatId = chatIdRef.current;
        const tell = (status: AnswerEvent["status"], sources = 0) => {
          if (bridge && chatId && turnId) bridge.answered({ chatId, turnId, status, sources });
        };
        if (isAbort) {
          setStopped((s) => new Set(s).add(message.id));
          setAnnouncement("Answer stopped.");
          reportStop(message);
          tell("stopped");
          return;
        }
        if (isError) {
          setAnnouncement("The answer failed. You can retry.");
          tell("failed");
          return;
        }
        // The sources the answer cites, as numbered under it (not every search result).
        const text = message.parts.map((p) => (p.type === "text" ? p.text : "")).join("");
        const citations = message.parts.find((p) => p.type === "data-citations")?.data ?? [];
        const sources = numberSources(text, citations).cited.length;
        tell("complete", sources);
        setAnnouncement(
          `Parley answered${sources ? `, with ${sources} source${sources === 1 ? "" : "s"}` : ""}.`,
        );
      },
    });

  /** The first answer named its chat: it becomes this page's chat, with its own URL. */
  function adoptChat() {
    chatIdRef.current ??= pendingChatIdRef.current;
    const chatId = chatIdRef.current;
    if (chatId && window.location.pathname !== routes.chat(chatId)) {
      window.history.replaceState(null, "", routes.chat(chatId));
    }
    void queryClient.invalidateQueries({ queryKey: chatKeys.history() });
  }

  const busy = status === "submitted" || status === "streaming";

  // The address follows the chat as soon as its answer shows text: not at `data-chat-info`
  // itself, where the router's update would hold up the first words (bench:ui).
  const answering = status === "streaming" && hasText(messages.at(-1));
  // biome-ignore lint/correctness/useExhaustiveDependencies: once per answer, when it starts showing text; adoptChat reads only refs and the query client.
  useEffect(() => {
    if (answering && pendingChatIdRef.current) adoptChat();
  }, [answering]);

  const send = useCallback(
    (text: string) => {
      clearError();
      void sendMessage({ text });
    },
    [sendMessage, clearError],
  );

  // The host page's "ask" (the widget): sent like a typed question, unless one is streaming.
  const busyRef = useRef(busy);
  busyRef.current = busy;
  useEffect(() => {
    if (!bridge) return;
    bridge.takeQuestions((question) => {
      if (busyRef.current) return false;
      send(question);
      return true;
    });
    return () => bridge.takeQuestions(null);
  }, [bridge, send]);

  /** Asks the last question again in place of its stopped or failed answer. */
  const askAgain = useCallback(() => {
    const last = messages.at(-1);
    replaceTurnRef.current = last?.role === "assistant" ? (turnIdOf(last) ?? null) : null;
    clearError();
    void regenerate();
  }, [messages, regenerate, clearError]);

  const chatError = useMemo(() => (error ? readError(error, messages) : null), [error, messages]);

  const bottomRef = useFollowStream(messages, status);

  return (
    <div className="relative flex min-h-0 flex-1 flex-col">
      {/* `relative`: the thread's `sr-only` text is clipped by the thread, not the page. */}
      <div
        className="relative min-h-0 flex-1 overflow-y-auto overscroll-contain"
        data-testid="thread-scroller"
      >
        <div className="mx-auto flex w-full max-w-3xl flex-col gap-6 px-4 py-6 sm:px-6">
          {messages.length === 0 && <EmptyState examples={examples} onAsk={send} />}
          {messages.map((message, i) =>
            message.role === "user" ? (
              <UserMessage key={message.id} message={message} />
            ) : (
              <AssistantMessage
                key={message.id}
                message={message}
                streaming={busy && i === messages.length - 1}
                stopped={stopped.has(message.id)}
                failed={!busy && error !== undefined && i === messages.length - 1}
                onRegenerate={!busy && i === messages.length - 1 ? askAgain : undefined}
              />
            ),
          )}
          {busy && messages.at(-1)?.role === "user" && <Thinking />}
          {chatError && !busy && (
            <ChatErrorNotice error={chatError} onRetry={askAgain} onDismiss={clearError} />
          )}
          <div ref={bottomRef} />
        </div>
      </div>
      {hasChat(messages) && <HandoffBar messages={messages} />}
      {/* In the widget's frame, focus comes when the host opens it (`focus`), never on load. */}
      <Composer
        busy={busy}
        onSend={send}
        onStop={() => void stop()}
        autoFocus={surface === "page"}
      />
      <div aria-live="polite" aria-atomic="true" className="sr-only" data-testid="chat-announcer">
        {announcement}
      </div>
    </div>
  );
}

/** Reconnects after a dropped connection, per answer, and the wait before each (times its number). */
const MAX_RECONNECTS = 3;
const RECONNECT_DELAY_MS = 500;

/** The turn an answer belongs to, once the server named it. */
function turnIdOf(message: ChatMessage): string | undefined {
  return (
    message.parts.findLast((p) => p.type === "data-chat-info")?.data.turnId ??
    message.metadata?.turnId
  );
}

/**
 * Tells the server how much of a stopped answer the visitor saw, so that it is stored
 * (and shown again) cut exactly there. Best effort: without it, the server keeps what it
 * had sent when the request ended, which is at most what was in flight more.
 */
function reportStop(message: ChatMessage) {
  const info = message.parts.findLast((p) => p.type === "data-chat-info")?.data;
  if (!info) return;
  const text = message.parts.map((p) => (p.type === "text" ? p.text : "")).join("");
  postStop(info.chatId, info.turnId, Array.from(text).length);
}

/** The typed error of the failed answer: a `data-error` part, or the HTTP error body. */
function readError(error: Error, messages: ChatMessage[]): AppError {
  const last = messages.at(-1);
  const part =
    last?.role === "assistant" ? last.parts.findLast((p) => p.type === "data-error") : undefined;
  if (part) {
    return new AppError(part.data.code, part.data.message, { retryAfter: part.data.retryAfter });
  }
  return AppError.fromResponseText(error.message);
}

function Thinking() {
  return (
    <div data-testid="thinking" className="flex items-center gap-2 pl-11 text-muted text-sm">
      <span className="flex gap-1" aria-hidden="true">
        <span className="size-1.5 animate-bounce rounded-full bg-brand [animation-delay:-0.3s]" />
        <span className="size-1.5 animate-bounce rounded-full bg-brand [animation-delay:-0.15s]" />
        <span className="size-1.5 animate-bounce rounded-full bg-brand" />
      </span>
      Searching the knowledge base…
    </div>
  );
}

/** Keeps the newest text in view while it streams, unless the reader scrolled up. */
function useFollowStream(messages: ChatMessage[], status: string) {
  const bottomRef = useRef<HTMLDivElement>(null);
  const count = messages.length;
  const lastLength = messages.at(-1)?.parts.length ?? 0;
  const following = useRef(true);
  useEffect(() => {
    const scroller = bottomRef.current?.closest<HTMLElement>("[data-testid=thread-scroller]");
    if (!scroller) return;
    const onScroll = () => {
      following.current = scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 120;
    };
    scroller.addEventListener("scroll", onScroll, { passive: true });
    return () => scroller.removeEventListener("scroll", onScroll);
  }, []);
  const lastIsUser = messages.at(-1)?.role === "user";
  // biome-ignore lint/correctness/useExhaustiveDependencies: re-run as the thread grows.
  useEffect(() => {
    // A question just sent always comes into view, wherever the reader had scrolled.
    if (lastIsUser) following.current = true;
    // An empty thread shows the welcome from its top.
    if (following.current && count > 0) bottomRef.current?.scrollIntoView({ block: "end" });
  }, [count, lastLength, status, lastIsUser]);
  return bottomRef;
}

/** Whether an answer has named the conversation (what the way to a person needs). */
function hasChat(messages: ChatMessage[]): boolean {
  return messages.some(
    (m) =>
      m.role === "assistant" &&
      (m.metadata?.chatId !== undefined || m.parts.some((p) => p.type === "data-chat-info")),
  );
}

function hasText(message: ChatMessage | undefined): boolean {
  return (
    message?.role === "assistant" && message.parts.some((p) => p.type === "text" && p.text !== "")
  );
}
