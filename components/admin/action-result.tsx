"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
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
      {state.status === "error" && <ActionError state={state} className="mt-2 text-sm" />}
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
export function ActionError({ state, className }: { state: ErrorState; className?: string }) {
  const path = usePathname() || "/admin";
  return (
    <p
      role="alert"
      data-testid="action-error"
      data-code={state.code}
      className={`text-danger ${className ?? ""}`}
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
    </p>
  );
}
