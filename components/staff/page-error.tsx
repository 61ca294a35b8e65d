"use client";

import type { ErrorInfo } from "next/error";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";

/** The id Next.js gives a server error; the server's log prints it beside the error. */
function digestOf(error: unknown): string | undefined {
  if (!(error instanceof Error) || !("digest" in error)) return undefined;
  return typeof error.digest === "string" && error.digest ? error.digest : undefined;
}

/**
 * A console page that failed to render (the `error.tsx` of `/agent` and `/admin`, and of
 * the staff group): what happened, "Try again" (Next's `retry`: the page is fetched and
 * rendered again, not only re-mounted), and the error's reference for whoever reads the
 * server's log. Staff see no stack or message: a server error reaches the browser without them.
 */
export function StaffPageError({
  error,
  retry,
  heading: Heading = "h1",
  standalone = false,
}: Pick<ErrorInfo, "error" | "retry"> & {
  /** `h2` under a layout that has the page's h1 already (the admin's). */
  heading?: "h1" | "h2";
  /** Outside the console's frame (its layout failed): centred on the page, as a card. */
  standalone?: boolean;
}) {
  const digest = digestOf(error);
  const body = (
    <section
      data-testid="page-error"
      aria-labelledby="page-error-heading"
      className={
        standalone
          ? "w-full max-w-md rounded-xl border border-border bg-surface p-6 shadow-sm"
          : "max-w-2xl"
      }
    >
      <Heading id="page-error-heading" className="font-semibold text-xl tracking-tight">
        This page could not be loaded
      </Heading>
      <Alert size="md" icon className="mt-4">
        The server could not load what this page shows. It may be a passing problem with Vectara or
        the database: try again in a moment.
      </Alert>
      {digest && (
        <p data-testid="error-reference" className="mt-3 text-muted text-sm">
          If it keeps happening, give this reference to whoever runs Parley:{" "}
          <code className="rounded bg-surface-muted px-1.5 py-0.5 font-mono text-foreground text-xs">
            {digest}
          </code>
        </p>
      )}
      <Button variant="primary" className="mt-5" onClick={() => retry()} data-testid="error-retry">
        Try again
      </Button>
    </section>
  );
  return standalone ? (
    <main className="flex min-h-dvh items-center justify-center bg-background px-4 py-12">
      {body}
    </main>
  ) : (
    body
  );
}
