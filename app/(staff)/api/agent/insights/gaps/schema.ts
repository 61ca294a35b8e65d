import { z } from "zod";
import { insightsDaysSchema } from "@/lib/staff/insights";

/** `?days=7|30|90` (default 30); anything else is a 400. */
export const gapsQuerySchema = z.object({ days: insightsDaysSchema });
