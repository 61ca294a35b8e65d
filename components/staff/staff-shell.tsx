import Link from "next/link";
import type { ReactNode } from "react";
import { ModeBadge } from "@/components/shell/mode-badge";
import { ThemeSwitch } from "@/components/theme/theme-switch";
import { focusRing } from "@/components/ui/button";
import { hasRole, type StaffUser } from "@/lib/auth/roles";
import type { Mode } from "@/lib/config";
import { StaffNavLink } from "./staff-nav-link";

/** The staff console's frame: who is signed in, where they can go, and sign out. */
export function StaffShell({
  user,
  mode,
  signOut,
  children,
}: {
  user: StaffUser;
  mode: Mode;
  /** The sign-out server action (app/(staff)/actions.ts), handed down by the layout. */
  signOut: () => Promise<void>;
  children: ReactNode;
}) {
  return (
    <div data-testid="staff-shell" className="flex min-h-dvh flex-col">
      <header className="sticky top-0 z-20 flex min-h-14 shrink-0 flex-wrap items-center gap-x-4 gap-y-1 border-border border-b bg-surface/95 px-4 py-2 backdrop-blur sm:px-6">
        <Link href="/agent" className={`flex items-center gap-2 rounded-md ${focusRing}`}>
          <span
            aria-hidden="true"
            className="grid size-7 place-items-center rounded-lg bg-foreground font-bold text-background text-xs"
          >
            P
          </span>
          <span className="font-semibold tracking-tight">Parley</span>
          <span className="rounded-md bg-surface-muted px-1.5 py-0.5 font-medium text-muted text-xs">
            Staff
          </span>
        </Link>
        <nav
          aria-label="Staff"
          className="order-last flex w-full items-center gap-1 overflow-x-auto text-sm sm:order-none sm:w-auto"
        >
          <StaffNavLink href="/agent">Conversations</StaffNavLink>
          <StaffNavLink href="/agent/audit">Audit log</StaffNavLink>
          <StaffNavLink href="/agent/insights">Insights</StaffNavLink>
          {hasRole(user, "admin") && <StaffNavLink href="/admin">Admin</StaffNavLink>}
        </nav>
        <div className="ml-auto flex items-center gap-3">
          <span className="hidden md:inline-flex">
            <ModeBadge mode={mode} />
          </span>
          <span className="hidden text-muted text-sm sm:inline" data-testid="staff-user">
            {user.email} · <span className="capitalize">{user.role}</span>
          </span>
          <ThemeSwitch />
          <form action={signOut}>
            <button
              type="submit"
              data-testid="sign-out"
              className={`rounded-md px-2.5 py-1.5 font-medium text-muted text-sm hover:bg-surface-muted hover:text-foreground ${focusRing}`}
            >
              Sign out
            </button>
          </form>
        </div>
      </header>
      <main className="mx-auto w-full max-w-7xl flex-1 px-4 py-6 sm:px-6">{children}</main>
    </div>
  );
}
