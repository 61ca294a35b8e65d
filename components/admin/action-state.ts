/**
 * What an admin server action answers, shaped for `useActionState`: nothing yet, done
 * (with a message to show), or refused (with the reason, and per-field reasons).
 */
export type AdminActionState =
  | { status: "idle" }
  | { status: "success"; message: string }
  | { status: "error"; message: string; fieldErrors?: Record<string, string> };

export const idleState: AdminActionState = { status: "idle" };
