import { z } from "zod";

export const handoffStateBodySchema = z.object({
  state: z.enum(["open", "contacted", "closed"], "the state is open, contacted or closed"),
});

export type HandoffStateBody = z.infer<typeof handoffStateBodySchema>;
