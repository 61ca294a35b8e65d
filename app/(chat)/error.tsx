"use client";

import type { ErrorInfo } from "next/error";

/**
 * A visitor page that failed on the server. "Try again" is Next's `retry`, which fetches
 * the page again: `reset` would only re-mount it from the payload that failed.
 */
export default function ChatPageError({ retry }: ErrorInfo) {
  return (
    <div
      role="alert"
      data-testid="page-error"
      className="mx-auto flex w-full max-w-xl flex-1 flex-col justify-center px-6 py-16"
    >
      <h1 className="font-semibold text-2xl tracking-tight">
        This conversation could not be loaded
      </h1>
      <p className="mt-3 text-muted leading-relaxed">
        The answer service did not respond. Your conversation is safe; try again in a moment.
      </p>
      <button
        type="button"
        onClick={() => retry()}
        className="mt-6 inline-flex w-fit items-center rounded-lg bg-brand px-4 py-2 font-medium text-brand-foreground text-sm shadow-sm outline-none hover:opacity-90 focus-visible:ring-2 focus-visible:ring-brand focus-visible:ring-offset-2"
      >
        Try again
      </button>
    </div>
  );
}
