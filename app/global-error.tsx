"use client";

import type { ErrorInfo } from "next/error";
import { useEffect } from "react";
import { parseTheme, THEME_COOKIE } from "@/components/theme/theme";
import { Button, focusRing } from "@/components/ui/button";
import "./globals.css";

/** The id Next.js gives a server error; the server's log prints it beside the error. */
function digestOf(error: unknown): string | undefined {
  if (!(error instanceof Error) || !("digest" in error)) return undefined;
  return typeof error.digest === "string" && error.digest ? error.digest : undefined;
}

/**
 * The last resort: the root layout itself failed, so this replaces the whole document
 * (its own <html> and <body>, the global styles imported here). It stays plain: no
 * providers, no shell, nothing that could fail the same way. The theme the browser chose
 * is read from its cookie once in the browser (the root layout, which would render it,
 * is what failed); until then, and without scripts, the system's.
 */
export default function GlobalError({ error, retry }: ErrorInfo) {
  const digest = digestOf(error);
  useEffect(() => {
    const cookie = document.cookie.split("; ").find((pair) => pair.startsWith(`${THEME_COOKIE}=`));
    const theme = parseTheme(cookie?.slice(THEME_COOKIE.length + 1));
    if (theme !== "system") document.documentElement.dataset.theme = theme;
  }, []);

  return (
    <html lang="en">
      <body className="min-h-dvh">
        <title>Something went wrong · Parley</title>
        <main
          data-testid="global-error"
          className="flex min-h-dvh items-center justify-center bg-background px-4 py-12 text-foreground"
        >
          <div className="w-full max-w-md rounded-xl border border-border bg-surface p-6 shadow-sm">
            <h1 className="font-semibold text-xl tracking-tight">
              Parley could not load this page
            </h1>
            <p role="alert" className="mt-2 text-muted leading-relaxed">
              Something went wrong on the server. Try again in a moment.
            </p>
            {digest && (
              <p className="mt-3 text-muted text-sm">
                If it keeps happening, give this reference to whoever runs Parley:{" "}
                <code className="rounded bg-surface-muted px-1.5 py-0.5 font-mono text-foreground text-xs">
                  {digest}
                </code>
              </p>
            )}
            <div className="mt-5 flex flex-wrap gap-2">
              <Button variant="primary" onClick={() => retry()}>
                Try again
              </Button>
              {/* A plain link: a full page load, which rebuilds everything from the server. */}
              <a
                href="/"
                className={`inline-flex items-center rounded-md border border-border px-3 py-1.5 font-medium text-sm hover:bg-surface-muted ${focusRing}`}
              >
                Go to the start page
              </a>
            </div>
          </div>
        </main>
      </body>
    </html>
  );
}
