import type { ReactNode } from "react";
import { ChatSessionProvider } from "@/components/chat/chat-session";
import { HistorySidebar } from "@/components/history/history-sidebar";
import { Providers } from "@/components/providers";
import { AppHeader } from "@/components/shell/app-header";
import { getConfig } from "@/lib/config";

// The mode (which the score badge explains) comes from the environment the server was
// started with, not the one the app was built in, so this shell must render per request.
export const dynamic = "force-dynamic";

export default function ChatLayout({ children }: { children: ReactNode }) {
  const { mode } = getConfig();

  return (
    <Providers mode={mode}>
      <ChatSessionProvider>
        <div data-testid="app-shell" className="flex h-dvh flex-col">
          <AppHeader />
          <div className="flex min-h-0 flex-1">
            <HistorySidebar />
            <main data-testid="main" className="flex min-w-0 flex-1 flex-col">
              {children}
            </main>
          </div>
        </div>
      </ChatSessionProvider>
    </Providers>
  );
}
