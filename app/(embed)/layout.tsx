import type { Metadata } from "next";
import type { ReactNode } from "react";
import { ChatSessionProvider } from "@/components/chat/chat-session";
import { ArticleLinksProvider } from "@/components/citations/article-links";
import { EmbedShell } from "@/components/embed/embed-shell";
import { Providers } from "@/components/providers";
import { getConfig } from "@/lib/config";

export const dynamic = "force-dynamic";

export const metadata: Metadata = {
  title: { absolute: "Parley chat" },
  robots: { index: false, follow: false },
};

/**
 * The widget's frame (`/embed`, framed by the sites WIDGET_ALLOWED_ORIGINS lists): the
 * visitor's chat in a compact layout, with the same conversation, sources, score,
 * feedback, history and Stop as the full page.
 */
export default function EmbedLayout({ children }: { children: ReactNode }) {
  const { mode, articleLinks, scoreThresholds, widgetAllowedOrigins } = getConfig();
  return (
    <Providers mode={mode} scoreThresholds={scoreThresholds}>
      <ArticleLinksProvider setting={articleLinks}>
        <ChatSessionProvider surface="embed">
          <EmbedShell allowedOrigins={widgetAllowedOrigins}>{children}</EmbedShell>
        </ChatSessionProvider>
      </ArticleLinksProvider>
    </Providers>
  );
}
