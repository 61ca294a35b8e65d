import type { StaffActionResult } from "@/lib/auth/staff-action";

/**
 * What an admin server action answers, shaped for `useActionState`: nothing yet, done
 * (with a message to show), or refused (with the staff error code, the reason, and
 * per-field reasons). The actions never throw: a refusal is always one of these.
 */
export type AdminActionState = { status: "idle" } | StaffActionResult;

export const idleState: AdminActionState = { status: "idle" };
