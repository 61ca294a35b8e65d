import { z } from "zod";

export const noteBodySchema = z.object({
  body: z
    .string()
    .trim()
    .min(1, "a note cannot be empty")
    .max(4000, "a note is at most 4000 characters"),
});
