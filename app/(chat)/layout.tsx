import type { ReactNode } from "react";
import { ChatSessionProvider } from "@/components/chat/chat-session";
import { ArticleLinksProvider } from "@/components/citations/article-links";
import { HistorySidebar } from "@/components/history/history-sidebar";
import { Providers } from "@/components/providers";
import { AppHeader } from "@/components/shell/app-header";
import { getConfig } from "@/lib/config";

// The mode (which the score badge explains) comes from the environment the server was
// started with, not the one the app was built in, so this shell must render per request.
export const dynamic = "force-dynamic";

export default function ChatLayout({ children }: { children: ReactNode }) {
  const { mode, articleLinks, scoreThresholds } = getConfig();

  return (
    <Providers mode={mode} scoreThresholds={scoreThresholds}>
      <ArticleLinksProvider setting={articleLinks}>
        <ChatSessionProvider>
          {/*
          The shell is exactly the window's height and the positioned containing block of
          everything inside it: only the thread (and the sidebar's list) scroll. Without
          `relative`, absolutely positioned descendants such as `sr-only` text are laid out
          against the initial containing block and make the whole document scroll.
        */}
          <div data-testid="app-shell" className="relative flex h-dvh flex-col overflow-hidden">
            <AppHeader />
            <div className="flex min-h-0 flex-1">
              <HistorySidebar />
              <main data-testid="main" className="relative flex min-h-0 min-w-0 flex-1 flex-col">
                {children}
              </main>
            </div>
          </div>
        </ChatSessionProvider>
      </ArticleLinksProvider>
    </Providers>
  );
}
