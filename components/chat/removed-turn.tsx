import { ShieldOffIcon } from "@/components/ui/icons";

/** Stands in for a turn a moderator disabled: its content is never sent to the browser. */
export function RemovedTurn() {
  return (
    <div
      data-testid="removed-turn"
      className="flex items-center gap-2.5 rounded-xl border border-border border-dashed bg-surface-muted px-4 py-3 text-muted text-sm"
    >
      <ShieldOffIcon className="size-4 shrink-0" />
      <p>This part of the conversation was removed by a moderator.</p>
    </div>
  );
}
