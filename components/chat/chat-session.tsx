"use client";

import { useRouter } from "next/navigation";
import { createContext, type ReactNode, useCallback, useContext, useMemo, useState } from "react";

/**
 * "New chat" must give a fresh thread even when the page is already `/` (the first
 * answer only swaps the URL to /chat/[id] with history.replaceState, so Next still
 * shows the same page). A counter keys the home page's chat; bumping it remounts it.
 */
/**
 * Where the visitor's pages live: the full page at `/` and `/chat/<id>`, or the widget's
 * frame at `/embed/new` and `/embed/chat/<id>` (`/embed` itself opens the latest).
 */
export type ChatSurface = "page" | "embed";

export interface ChatRoutes {
  /** A new conversation. */
  home: string;
  /** One conversation's address. */
  chat: (chatId: string) => string;
  /** The conversation `pathname` shows, if it is one's address. */
  chatIdOf: (pathname: string) => string | null;
}

export function chatRoutes(surface: ChatSurface): ChatRoutes {
  const base = surface === "embed" ? "/embed" : "";
  const prefix = `${base}/chat/`;
  return {
    home: surface === "embed" ? "/embed/new" : "/",
    chat: (chatId) => `${prefix}${encodeURIComponent(chatId)}`,
    chatIdOf: (pathname) => (pathname.startsWith(prefix) ? pathname.slice(prefix.length) : null),
  };
}

interface ChatSession {
  surface: ChatSurface;
  routes: ChatRoutes;
  generation: number;
  startNewChat: () => void;
  /**
   * A conversation was deleted: drop every copy the browser keeps of its pages, and when
   * it is the one on screen, put a new chat in its place in the history (Back must not
   * bring the transcript back).
   */
  forgetChat: (options: { onScreen: boolean }) => void;
  /** Whether the history sheet is open (phones; the sidebar is always shown on wide screens). */
  historyOpen: boolean;
  setHistoryOpen: (open: boolean) => void;
}

const ChatSessionContext = createContext<ChatSession>({
  surface: "page",
  routes: chatRoutes("page"),
  generation: 0,
  startNewChat: () => {},
  forgetChat: () => {},
  historyOpen: false,
  setHistoryOpen: () => {},
});

export function ChatSessionProvider({
  surface = "page",
  children,
}: {
  surface?: ChatSurface;
  children: ReactNode;
}) {
  const router = useRouter();
  const routes = useMemo(() => chatRoutes(surface), [surface]);
  const [generation, setGeneration] = useState(0);
  const [historyOpen, setHistoryOpen] = useState(false);
  const startNewChat = useCallback(() => {
    setGeneration((g) => g + 1);
    setHistoryOpen(false);
    router.push(routes.home);
  }, [router, routes]);
  const forgetChat = useCallback(
    ({ onScreen }: { onScreen: boolean }) => {
      if (onScreen) {
        setGeneration((g) => g + 1);
        setHistoryOpen(false);
        router.replace(routes.home);
      }
      // Clears the router's cache of visited pages, which Back and Forward would show.
      router.refresh();
    },
    [router, routes],
  );
  const value = useMemo(
    () => ({ surface, routes, generation, startNewChat, forgetChat, historyOpen, setHistoryOpen }),
    [surface, routes, generation, startNewChat, forgetChat, historyOpen],
  );
  return <ChatSessionContext.Provider value={value}>{children}</ChatSessionContext.Provider>;
}

export const useChatSession = () => useContext(ChatSessionContext);
