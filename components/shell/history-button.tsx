"use client";

import { useChatSession } from "@/components/chat/chat-session";
import { focusRing } from "@/components/ui/button";
import { MenuIcon } from "@/components/ui/icons";

/** Opens the conversations sheet on phones, where the sidebar is hidden. */
export function HistoryButton() {
  const { historyOpen, setHistoryOpen } = useChatSession();
  return (
    <button
      type="button"
      data-testid="open-history"
      aria-label="Conversations"
      aria-expanded={historyOpen}
      aria-controls="history-sidebar"
      onClick={() => setHistoryOpen(!historyOpen)}
      className={`-ml-1 grid size-9 place-items-center rounded-lg text-muted hover:bg-surface-muted hover:text-foreground md:hidden ${focusRing}`}
    >
      <MenuIcon className="size-5" />
    </button>
  );
}
