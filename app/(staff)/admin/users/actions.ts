"use server";

import { revalidatePath } from "next/cache";
import { changeStaffRole, createStaffAccount, setStaffDisabled } from "@/lib/auth/accounts";
import { formFields, type StaffActionResult, staffAction } from "@/lib/auth/staff-action";
import { createUserSchema, setDisabledSchema, setRoleSchema } from "./schema";

/**
 * Staff accounts, for admins. Each action parses its form, checks the caller's role and
 * calls the domain (lib/auth/accounts.ts); every refusal is an answer, never a throw.
 */

export async function createUserAction(_state: unknown, form: unknown): Promise<StaffActionResult> {
  return staffAction({
    name: "createUser",
    role: "admin",
    schema: createUserSchema,
    input: formFields(form, ["email", "role", "password"]),
    run: async (input) => {
      await createStaffAccount(input);
      revalidatePath("/admin/users");
      return `${input.email} can now sign in.`;
    },
  });
}

export async function setUserRoleAction(
  _state: unknown,
  form: unknown,
): Promise<StaffActionResult> {
  return staffAction({
    name: "setUserRole",
    role: "admin",
    schema: setRoleSchema,
    input: formFields(form, ["userId", "role"]),
    invalidMessage: "Choose a valid role.",
    run: async (input, actor) => {
      await changeStaffRole({ actor, ...input });
      revalidatePath("/admin/users");
      return `Role changed to ${input.role}.`;
    },
  });
}

export async function setUserDisabledAction(
  _state: unknown,
  form: unknown,
): Promise<StaffActionResult> {
  return staffAction({
    name: "setUserDisabled",
    role: "admin",
    schema: setDisabledSchema,
    input: formFields(form, ["userId", "disabled"]),
    invalidMessage: "Invalid request.",
    run: async (input, actor) => {
      await setStaffDisabled({ actor, ...input });
      revalidatePath("/admin/users");
      return input.disabled ? "Account disabled." : "Account enabled.";
    },
  });
}
