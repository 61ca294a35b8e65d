import type { ReactNode } from "react";
import { StaffShell } from "@/components/staff/staff-shell";
import { requireStaffPage } from "@/lib/auth/staff";
import { getConfig } from "@/lib/config";
import { signOutAction } from "../actions";

export default async function AgentLayout({ children }: { children: ReactNode }) {
  const user = await requireStaffPage("agent");
  return (
    <StaffShell user={user} mode={getConfig().mode} signOut={signOutAction}>
      {children}
    </StaffShell>
  );
}
