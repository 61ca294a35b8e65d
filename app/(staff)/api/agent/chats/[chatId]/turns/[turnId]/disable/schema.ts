import { z } from "zod";

export const disableBodySchema = z.object({
  reason: z
    .string()
    .trim()
    .min(3, "say why the turn is disabled (at least 3 characters)")
    .max(1000, "a reason is at most 1000 characters"),
});
