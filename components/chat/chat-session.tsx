"use client";

import { useRouter } from "next/navigation";
import { createContext, type ReactNode, useCallback, useContext, useMemo, useState } from "react";

/**
 * "New chat" must give a fresh thread even when the page is already `/` (the first
 * answer only swaps the URL to /chat/[id] with history.replaceState, so Next still
 * shows the same page). A counter keys the home page's chat; bumping it remounts it.
 */
interface ChatSession {
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
  generation: 0,
  startNewChat: () => {},
  forgetChat: () => {},
  historyOpen: false,
  setHistoryOpen: () => {},
});

export function ChatSessionProvider({ children }: { children: ReactNode }) {
  const router = useRouter();
  const [generation, setGeneration] = useState(0);
  const [historyOpen, setHistoryOpen] = useState(false);
  const startNewChat = useCallback(() => {
    setGeneration((g) => g + 1);
    setHistoryOpen(false);
    router.push("/");
  }, [router]);
  const forgetChat = useCallback(
    ({ onScreen }: { onScreen: boolean }) => {
      if (onScreen) {
        setGeneration((g) => g + 1);
        setHistoryOpen(false);
        router.replace("/");
      }
      // Clears the router's cache of visited pages, which Back and Forward would show.
      router.refresh();
    },
    [router],
  );
  const value = useMemo(
    () => ({ generation, startNewChat, forgetChat, historyOpen, setHistoryOpen }),
    [generation, startNewChat, forgetChat, historyOpen],
  );
  return <ChatSessionContext.Provider value={value}>{children}</ChatSessionContext.Provider>;
}

export const useChatSession = () => useContext(ChatSessionContext);
