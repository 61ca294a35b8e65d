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
  /** Whether the history sheet is open (phones; the sidebar is always shown on wide screens). */
  historyOpen: boolean;
  setHistoryOpen: (open: boolean) => void;
}

const ChatSessionContext = createContext<ChatSession>({
  generation: 0,
  startNewChat: () => {},
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
  const value = useMemo(
    () => ({ generation, startNewChat, historyOpen, setHistoryOpen }),
    [generation, startNewChat, historyOpen],
  );
  return <ChatSessionContext.Provider value={value}>{children}</ChatSessionContext.Provider>;
}

export const useChatSession = () => useContext(ChatSessionContext);
