"use client";

import { useActionState, useRef } from "react";
import { Button, focusRing } from "@/components/ui/button";
import type { StaffAccount } from "@/lib/auth/accounts";
import { ActionError } from "./action-result";
import { type AdminActionState, idleState } from "./action-state";
import { formatTimestamp } from "./format";

type Action = (state: AdminActionState, form: FormData) => Promise<AdminActionState>;

const ROLES = ["agent", "moderator", "admin"] as const;

/**
 * Staff accounts. The signed-in admin's own row cannot be demoted or disabled (the server
 * refuses too): with no admin left, nobody could manage accounts.
 */
export function UsersTable({
  users,
  currentUserId,
  setRole,
  setDisabled,
}: {
  users: StaffAccount[];
  currentUserId: string;
  setRole: Action;
  setDisabled: Action;
}) {
  return (
    <section
      aria-labelledby="users-heading"
      className="rounded-xl border border-border bg-surface p-4 sm:p-5"
    >
      <h2 id="users-heading" className="font-semibold text-base">
        Staff accounts
      </h2>
      <div className="mt-3 overflow-x-auto">
        <table className="w-full text-left text-sm">
          <thead className="border-border border-b text-muted text-xs uppercase tracking-wider">
            <tr>
              <th scope="col" className="py-2 pr-3 font-medium">
                Email
              </th>
              <th scope="col" className="py-2 pr-3 font-medium">
                Role
              </th>
              <th scope="col" className="py-2 pr-3 font-medium">
                Status
              </th>
              <th scope="col" className="py-2 pr-3 font-medium">
                Created
              </th>
              <th scope="col" className="py-2">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-border">
            {users.map((user) => (
              <UserRow
                key={user.userId}
                user={user}
                self={user.userId === currentUserId}
                setRole={setRole}
                setDisabled={setDisabled}
              />
            ))}
          </tbody>
        </table>
        {users.length === 0 && (
          <p className="py-6 text-center text-muted text-sm">No staff accounts yet.</p>
        )}
      </div>
    </section>
  );
}

function UserRow({
  user,
  self,
  setRole,
  setDisabled,
}: {
  user: StaffAccount;
  self: boolean;
  setRole: Action;
  setDisabled: Action;
}) {
  const [roleState, roleAction, rolePending] = useActionState(setRole, idleState);
  const [statusState, statusAction, statusPending] = useActionState(setDisabled, idleState);
  const roleForm = useRef<HTMLFormElement>(null);
  const error =
    roleState.status === "error"
      ? roleState
      : statusState.status === "error"
        ? statusState
        : undefined;

  return (
    <tr data-testid="user-row" data-email={user.email} data-role={user.role}>
      <td className="py-2 pr-3">
        <span className="font-medium">{user.email}</span>
        {self && <span className="ml-1.5 text-muted text-xs">(you)</span>}
        {error && <ActionError state={error} size="xs" className="mt-0.5" />}
      </td>
      <td className="py-2 pr-3">
        <form ref={roleForm} action={roleAction}>
          <input type="hidden" name="userId" value={user.userId} />
          <label className="sr-only" htmlFor={`role-${user.userId}`}>
            Role of {user.email}
          </label>
          <select
            id={`role-${user.userId}`}
            name="role"
            data-testid="user-role"
            defaultValue={user.role}
            disabled={self || rolePending}
            title={self ? "You cannot change your own role" : undefined}
            onChange={() => roleForm.current?.requestSubmit()}
            className={`rounded-md border border-border bg-background px-2 py-1 text-sm disabled:opacity-60 ${focusRing}`}
          >
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </form>
      </td>
      <td className="py-2 pr-3">
        <span
          data-testid="user-status"
          className={`rounded-full px-2 py-0.5 text-xs ${
            user.disabled
              ? "bg-danger-soft text-danger-foreground"
              : "bg-positive-soft text-positive-foreground"
          }`}
        >
          {user.disabled ? "Disabled" : "Active"}
        </span>
      </td>
      <td className="whitespace-nowrap py-2 pr-3 text-muted tabular-nums">
        {formatTimestamp(user.createdAt)}
      </td>
      <td className="py-2 text-right">
        {/* Your own account cannot be disabled (the server refuses it), so it is not offered. */}
        {!self && (
          <form action={statusAction}>
            <input type="hidden" name="userId" value={user.userId} />
            <input type="hidden" name="disabled" value={user.disabled ? "false" : "true"} />
            <Button
              type="submit"
              variant="ghost"
              data-testid="toggle-user"
              disabled={statusPending}
            >
              {statusPending ? "Saving…" : user.disabled ? "Enable" : "Disable"}
            </Button>
          </form>
        )}
      </td>
    </tr>
  );
}
