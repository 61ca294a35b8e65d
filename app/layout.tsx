import type { Metadata } from "next";
import { cookies } from "next/headers";
import type { ReactNode } from "react";
import { parseTheme, THEME_COOKIE } from "@/components/theme/theme";
import { ThemeProvider } from "@/components/theme/theme-provider";
import "./globals.css";

// Every page is rendered per request: its scripts carry the request's CSP nonce
// (lib/http/gate.ts), which a page prerendered at build time could not have.
export const dynamic = "force-dynamic";

export const metadata: Metadata = {
  title: { default: "Parley", template: "%s · Parley" },
  description:
    "Ask a question and get an answer from the support knowledge base, with its sources.",
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  // The browser's remembered theme is rendered into the page, so its first paint already
  // has the right colours (no script runs before it, and none is needed).
  const theme = parseTheme((await cookies()).get(THEME_COOKIE)?.value);
  return (
    <html lang="en" data-theme={theme === "system" ? undefined : theme}>
      <body className="min-h-dvh">
        <ThemeProvider initial={theme}>{children}</ThemeProvider>
      </body>
    </html>
  );
}
