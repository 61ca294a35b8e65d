import type { ReactNode } from "react";
import { ConversationsSidebar } from "@/components/history/conversations-sidebar";
import { AppHeader } from "@/components/shell/app-header";
import { getConfig } from "@/lib/config";

// The mode comes from the environment the server was started with, not the one the
// app was built in, so this shell must render per request.
export const dynamic = "force-dynamic";

export default function ChatLayout({ children }: { children: ReactNode }) {
  const { mode } = getConfig();

  return (
    <div data-testid="app-shell" className="flex h-dvh flex-col">
      <AppHeader mode={mode} />
      <div className="flex min-h-0 flex-1">
        <ConversationsSidebar />
        <main data-testid="main" className="flex min-w-0 flex-1 flex-col overflow-y-auto">
          {children}
        </main>
      </div>
    </div>
  );
}
