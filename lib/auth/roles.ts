/**
 * Staff roles and who is signed in, as plain data: no database, no cookies, so the
 * browser and server components can import it (`lib/auth/staff.ts` is server-only).
 * Roles rank `agent < moderator < admin`; a visitor has none.
 */

export type Role = "agent" | "moderator" | "admin";

const RANK: Record<Role, number> = { agent: 1, moderator: 2, admin: 3 };

export function hasRole(user: { role: Role }, min: Role): boolean {
  return RANK[user.role] >= RANK[min];
}

export interface StaffUser {
  userId: string;
  email: string;
  role: Role;
}
