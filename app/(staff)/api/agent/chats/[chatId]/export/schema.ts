import { z } from "zod";

export const exportQuerySchema = z.object({ format: z.enum(["json", "md"]).default("json") });
