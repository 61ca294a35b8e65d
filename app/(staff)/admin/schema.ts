import { z } from "zod";

export const resetCorpusSchema = z.object({
  confirmation: z.string().trim().min(1).max(100),
});

export type ResetCorpusInput = z.infer<typeof resetCorpusSchema>;
