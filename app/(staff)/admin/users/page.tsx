import type { Metadata } from "next";
import { AddUserForm } from "@/components/admin/add-user-form";
import { UsersTable } from "@/components/admin/users-table";
import { listStaffAccounts } from "@/lib/auth/accounts";
import { requireStaffPage } from "@/lib/auth/staff";
import { createUserAction, setUserDisabledAction, setUserRoleAction } from "./actions";

export const metadata: Metadata = { title: "Users · Admin" };
export const dynamic = "force-dynamic";

/** Staff accounts: add one, change a role, disable or enable. */
export default async function AdminUsersPage() {
  const admin = await requireStaffPage("admin");
  const users = await listStaffAccounts();
  return (
    <>
      <UsersTable
        users={users}
        currentUserId={admin.userId}
        setRole={setUserRoleAction}
        setDisabled={setUserDisabledAction}
      />
      <AddUserForm action={createUserAction} />
    </>
  );
}
