import Link from "next/link";
import { ThemeSwitch } from "@/components/theme/theme-switch";
import { HistoryButton } from "./history-button";

/**
 * The visitor's header: the product's name, the history button and the theme switch. Which engine answers
 * is staff information (the staff console shows it), not the visitor's.
 */
export function AppHeader() {
  return (
    <header
      data-testid="app-header"
      className="flex h-14 shrink-0 items-center justify-between gap-4 border-border border-b bg-surface px-4 sm:px-6"
    >
      <div className="flex items-center gap-2">
        <HistoryButton />
        <Link href="/" className="flex items-center gap-2.5 rounded-md outline-offset-4">
          <ParleyMark />
          <span className="font-semibold text-lg tracking-tight">Parley</span>
        </Link>
      </div>
      <ThemeSwitch />
    </header>
  );
}

function ParleyMark() {
  return (
    <span
      aria-hidden="true"
      className="grid size-8 place-items-center rounded-lg bg-brand text-brand-foreground shadow-sm"
    >
      <svg
        aria-hidden="true"
        viewBox="0 0 24 24"
        className="size-4.5"
        fill="none"
        stroke="currentColor"
        strokeWidth="2"
      >
        <path
          d="M4 6.5A2.5 2.5 0 0 1 6.5 4h11A2.5 2.5 0 0 1 20 6.5v7a2.5 2.5 0 0 1-2.5 2.5H10l-4.5 4v-4h0A1.5 1.5 0 0 1 4 14.5z"
          strokeLinejoin="round"
        />
        <path d="M8.5 9h7M8.5 12h4.5" strokeLinecap="round" />
      </svg>
    </span>
  );
}
