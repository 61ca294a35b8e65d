import { z } from "zod";
import { passwordSchema } from "@/lib/auth/password";

export const ROLES = ["agent", "moderator", "admin"] as const;

const roleSchema = z.enum(ROLES, { message: "must be agent, moderator or admin" });
const userIdSchema = z.string().trim().min(1).max(200);

export const createUserSchema = z.object({
  email: z
    .string()
    .trim()
    .toLowerCase()
    .max(254)
    .pipe(z.email({ message: "must be an email address" })),
  role: roleSchema,
  password: passwordSchema,
});

export const setRoleSchema = z.object({ userId: userIdSchema, role: roleSchema });

export const setDisabledSchema = z.object({
  userId: userIdSchema,
  disabled: z.enum(["true", "false"]).transform((v) => v === "true"),
});

export type CreateUserInput = z.infer<typeof createUserSchema>;
export type SetRoleInput = z.infer<typeof setRoleSchema>;
export type SetDisabledInput = z.infer<typeof setDisabledSchema>;
