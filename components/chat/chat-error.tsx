"use client";

import { useEffect, useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { RetryIcon, WarningIcon } from "@/components/ui/icons";
import type { AppError } from "@/lib/http/errors";

/** A failed answer in the thread: what went wrong, and Retry (after the wait, for rate limits). */
export function ChatErrorNotice({
  error,
  onRetry,
  onDismiss,
}: {
  error: AppError;
  onRetry: () => void;
  onDismiss: () => void;
}) {
  const wait = useCountdown(error.retryAfter ?? 0, error);
  return (
    <Alert
      as="div"
      size="md"
      data-testid="chat-error"
      data-code={error.code}
      className="flex flex-col gap-3 sm:flex-row sm:items-center"
    >
      <WarningIcon className="size-5 shrink-0 text-danger" />
      <p className="flex-1 text-danger-foreground leading-relaxed">
        {error.message}
        {wait > 0 && <span data-testid="retry-wait"> You can retry in {wait} s.</span>}
      </p>
      <div className="flex shrink-0 gap-2">
        {error.retryable ? (
          <Button data-testid="retry-button" onClick={onRetry} disabled={wait > 0}>
            <RetryIcon className="size-4" />
            Retry
          </Button>
        ) : (
          <Button variant="ghost" onClick={onDismiss}>
            Dismiss
          </Button>
        )}
      </div>
    </Alert>
  );
}

/** Seconds left of a wait that starts when `key` changes. */
function useCountdown(seconds: number, key: unknown): number {
  const [left, setLeft] = useState(seconds);
  // biome-ignore lint/correctness/useExhaustiveDependencies: restart for each new error.
  useEffect(() => {
    setLeft(seconds);
    if (seconds <= 0) return;
    const started = Date.now();
    const timer = setInterval(() => {
      const remaining = Math.max(0, seconds - Math.floor((Date.now() - started) / 1000));
      setLeft(remaining);
      if (remaining === 0) clearInterval(timer);
    }, 250);
    return () => clearInterval(timer);
  }, [seconds, key]);
  return left;
}
