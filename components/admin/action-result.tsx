"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { Alert } from "@/components/ui/alert";
import type { AdminActionState } from "./action-state";

type ErrorState = Extract<AdminActionState, { status: "error" }>;

/** What an admin action answered, announced politely: the reason it failed, or what it did. */
export function ActionResult({
  state,
  successTestId,
}: {
  state: AdminActionState;
  successTestId: string;
}) {
  return (
    <div aria-live="polite">
      {state.status === "error" && <ActionError state={state} size="sm" className="mt-2" />}
      {state.status === "success" && (
        <p data-testid={successTestId} className="mt-2 text-positive-foreground text-sm">
          {state.message}
        </p>
      )}
    </div>
  );
}

/**
 * Why an action was refused. A signed-out session (it expired while the page was open)
 * gets a link to sign in again and come back here.
 */
export function ActionError({
  state,
  size,
  className,
}: {
  state: ErrorState;
  size?: "xs" | "sm";
  className?: string;
}) {
  const path = usePathname() || "/admin";
  return (
    <Alert
      variant="text"
      size={size}
      data-testid="action-error"
      data-code={state.code}
      className={className}
    >
      {state.message}
      {state.code === "unauthorized:staff" && (
        <>
          {" "}
          <Link href={`/login?next=${encodeURIComponent(path)}`} className="underline">
            Sign in again
          </Link>
        </>
      )}
    </Alert>
  );
}
