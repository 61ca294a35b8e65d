"use server";

import { revalidatePath } from "next/cache";
import type { z } from "zod";
import type { AdminActionState } from "@/components/admin/action-state";
import { requireStaffAction } from "@/lib/auth/staff";
import {
  changeStaffRole,
  createStaffAccount,
  setStaffDisabled,
  toStaffError,
} from "@/lib/chat/admin";
import { createUserSchema, setDisabledSchema, setRoleSchema } from "./schema";

/** A zod failure as the form shows it: one message, and one reason per field. */
function invalid(error: z.ZodError, message = "Check the highlighted fields."): AdminActionState {
  const fieldErrors: Record<string, string> = {};
  for (const issue of error.issues) fieldErrors[issue.path.map(String).join(".")] ??= issue.message;
  return { status: "error", message, fieldErrors };
}

function failed(error: unknown): AdminActionState {
  const e = toStaffError(error);
  return { status: "error", message: e.message, fieldErrors: e.fieldErrors };
}

export async function createUserAction(
  _state: AdminActionState,
  form: FormData,
): Promise<AdminActionState> {
  await requireStaffAction("admin");
  const parsed = createUserSchema.safeParse({
    email: form.get("email"),
    role: form.get("role"),
    password: form.get("password"),
  });
  if (!parsed.success) return invalid(parsed.error);
  try {
    await createStaffAccount(parsed.data);
  } catch (error) {
    return failed(error);
  }
  revalidatePath("/admin/users");
  return { status: "success", message: `${parsed.data.email} can now sign in.` };
}

export async function setUserRoleAction(
  _state: AdminActionState,
  form: FormData,
): Promise<AdminActionState> {
  const actor = await requireStaffAction("admin");
  const parsed = setRoleSchema.safeParse({ userId: form.get("userId"), role: form.get("role") });
  if (!parsed.success) return invalid(parsed.error, "Choose a valid role.");
  try {
    await changeStaffRole({ actor, ...parsed.data });
  } catch (error) {
    return failed(error);
  }
  revalidatePath("/admin/users");
  return { status: "success", message: `Role changed to ${parsed.data.role}.` };
}

export async function setUserDisabledAction(
  _state: AdminActionState,
  form: FormData,
): Promise<AdminActionState> {
  const actor = await requireStaffAction("admin");
  const parsed = setDisabledSchema.safeParse({
    userId: form.get("userId"),
    disabled: form.get("disabled"),
  });
  if (!parsed.success) return invalid(parsed.error, "Invalid request.");
  try {
    await setStaffDisabled({ actor, ...parsed.data });
  } catch (error) {
    return failed(error);
  }
  revalidatePath("/admin/users");
  return {
    status: "success",
    message: parsed.data.disabled ? "Account disabled." : "Account enabled.",
  };
}
