import type { Metadata } from "next";
import type { ReactNode } from "react";
import "./globals.css";

// Every page is rendered per request: its scripts carry the request's CSP nonce
// (lib/http/gate.ts), which a page prerendered at build time could not have.
export const dynamic = "force-dynamic";

export const metadata: Metadata = {
  title: { default: "Parley", template: "%s · Parley" },
  description:
    "Ask a question and get an answer from the support knowledge base, with its sources.",
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body className="min-h-dvh">{children}</body>
    </html>
  );
}
