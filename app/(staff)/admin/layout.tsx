import type { ReactNode } from "react";
import { AdminNav } from "@/components/admin/admin-nav";
import { StaffShell } from "@/components/staff/staff-shell";
import { requireStaffPage } from "@/lib/auth/staff";
import { getConfig } from "@/lib/config";
import { signOutAction } from "../actions";

/**
 * The admin's frame: the staff shell (as /agent has it), a heading and tabs. A layout
 * does not re-render on client navigation, so every page checks the role again itself.
 * The TanStack Query client comes from the (staff) group's layout.
 */
export default async function AdminLayout({ children }: { children: ReactNode }) {
  const user = await requireStaffPage("admin");
  return (
    <StaffShell user={user} mode={getConfig().mode} signOut={signOutAction}>
      <div data-testid="admin" className="mx-auto flex w-full max-w-5xl flex-col gap-5">
        <div>
          <h1 className="font-semibold text-xl tracking-tight">Admin</h1>
          <div className="mt-3">
            <AdminNav />
          </div>
        </div>
        {children}
      </div>
    </StaffShell>
  );
}
