import "server-only";
import {
  createUser,
  DuplicateUserError,
  getAppDb,
  listUsers,
  type SqlDriver,
  setUserDisabledByUserId,
  setUserRoleByUserId,
} from "@/lib/db";
import { AppError } from "@/lib/http/errors";
import { hashPassword } from "./password";
import type { Role, StaffUser } from "./staff";

/**
 * Staff accounts, as the admin manages them (`/admin/users`, `npm run users`): list,
 * create, change a role, disable. Guards run before these; an admin cannot demote or
 * disable themselves, which could lock everyone out.
 */

export interface StaffAccount {
  userId: string;
  email: string;
  role: Role;
  disabled: boolean;
  createdAt: number;
  updatedAt: number;
}

interface DbArgs {
  db?: SqlDriver;
  now?: number;
}

export async function listStaffAccounts({ db }: DbArgs = {}): Promise<StaffAccount[]> {
  return listUsers({ db: db ?? (await getAppDb()) });
}

/** Who a conversation can be assigned to: every active staff member. */
export async function listAssignableStaff({
  db,
}: DbArgs = {}): Promise<Pick<StaffAccount, "userId" | "email" | "role">[]> {
  const users = await listStaffAccounts({ db });
  return users
    .filter((u) => !u.disabled)
    .map(({ userId, email, role }) => ({ userId, email, role }));
}

export async function createStaffAccount({
  db,
  now = Date.now(),
  email,
  password,
  role,
}: DbArgs & { email: string; password: string; role: Role }): Promise<void> {
  const passwordHash = await hashPassword(password);
  try {
    await createUser({ db: db ?? (await getAppDb()), email, passwordHash, role, now });
  } catch (error) {
    if (error instanceof DuplicateUserError) {
      throw new AppError("conflict:staff", `A user with the email ${error.email} already exists.`, {
        cause: error,
        fieldErrors: { email: "is already taken" },
      });
    }
    throw error;
  }
}

const noSuchUser = () => new AppError("not_found:staff", "This user does not exist.");

/** Changes someone's role. An admin cannot demote themselves: that could lock everyone out. */
export async function changeStaffRole({
  db,
  now = Date.now(),
  actor,
  userId,
  role,
}: DbArgs & { actor: StaffUser; userId: string; role: Role }): Promise<void> {
  if (actor.userId === userId && role !== "admin") {
    throw new AppError("forbidden:staff", "You cannot remove your own admin role.");
  }
  const user = await setUserRoleByUserId({ db: db ?? (await getAppDb()), userId, role, now });
  if (!user) throw noSuchUser();
}

/** Disables or re-enables an account. An admin cannot disable themselves. */
export async function setStaffDisabled({
  db,
  now = Date.now(),
  actor,
  userId,
  disabled,
}: DbArgs & { actor: StaffUser; userId: string; disabled: boolean }): Promise<void> {
  if (actor.userId === userId && disabled) {
    throw new AppError("forbidden:staff", "You cannot disable your own account.");
  }
  const user = await setUserDisabledByUserId({
    db: db ?? (await getAppDb()),
    userId,
    disabled,
    now,
  });
  if (!user) throw noSuchUser();
}
