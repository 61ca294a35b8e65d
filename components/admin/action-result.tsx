import type { AdminActionState } from "./action-state";

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
      {state.status === "error" && (
        <p role="alert" className="mt-2 text-danger text-sm">
          {state.message}
        </p>
      )}
      {state.status === "success" && (
        <p data-testid={successTestId} className="mt-2 text-positive-foreground text-sm">
          {state.message}
        </p>
      )}
    </div>
  );
}
