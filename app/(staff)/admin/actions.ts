"use server";

import { revalidatePath } from "next/cache";
import type { AdminActionState } from "@/components/admin/action-state";
import { requireStaffAction } from "@/lib/auth/staff";
import { resetCorpus, toStaffError } from "@/lib/chat/admin";
import { resetCorpusSchema } from "./schema";

/** Deletes every document of the corpus; the form must repeat the corpus key. */
export async function resetCorpusAction(
  _state: AdminActionState,
  form: FormData,
): Promise<AdminActionState> {
  await requireStaffAction("admin");
  const parsed = resetCorpusSchema.safeParse({ confirmation: form.get("confirmation") });
  if (!parsed.success) {
    return { status: "error", message: "Type the corpus key to confirm." };
  }
  try {
    await resetCorpus({ confirmation: parsed.data.confirmation });
  } catch (error) {
    const e = toStaffError(error);
    return { status: "error", message: e.message, fieldErrors: e.fieldErrors };
  }
  revalidatePath("/admin");
  return { status: "success", message: "Every document was deleted." };
}
