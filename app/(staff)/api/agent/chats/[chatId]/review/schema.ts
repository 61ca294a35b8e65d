import { z } from "zod";

export const reviewBodySchema = z.object({
  status: z.enum(["open", "reviewed", "escalated"]),
  /** A staff member's user id, or null to unassign. */
  assigneeId: z.string().min(1).max(100).nullable(),
});
