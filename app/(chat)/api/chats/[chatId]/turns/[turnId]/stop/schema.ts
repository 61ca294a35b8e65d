import { z } from "zod";

/** How much of the answer the visitor had seen when they pressed Stop. */
export const stopBodySchema = z.object({
  /** Characters (Unicode code points) of the answer's text on screen. */
  shownChars: z.number().int().min(0).max(1_000_000),
});

export type StopBody = z.infer<typeof stopBodySchema>;
