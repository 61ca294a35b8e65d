import type { Mode } from "@/lib/config";

const modes = {
  local: {
    label: "Local engine",
    title: "Answers come from the embedded engine running inside this server.",
    dot: "bg-positive",
    pill: "border-positive/25 bg-positive-soft text-positive-foreground",
  },
  remote: {
    label: "Vectara",
    title: "Answers come from Vectara's hosted platform.",
    dot: "bg-brand",
    pill: "border-brand/25 bg-brand-soft text-brand",
  },
} as const satisfies Record<Mode, { label: string; title: string; dot: string; pill: string }>;

export function ModeBadge({ mode }: { mode: Mode }) {
  const m = modes[mode];
  return (
    <span
      data-testid="mode-badge"
      title={m.title}
      className={`inline-flex items-center gap-1.5 rounded-full border px-2.5 py-1 font-medium text-xs ${m.pill}`}
    >
      <span aria-hidden="true" className={`size-1.5 rounded-full ${m.dot}`} />
      {m.label}
    </span>
  );
}
