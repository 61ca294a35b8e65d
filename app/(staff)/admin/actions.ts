"use server";

import { revalidatePath } from "next/cache";
import { resetCorpus } from "@/lib/admin/corpus";
import { formFields, type StaffActionResult, staffAction } from "@/lib/auth/staff-action";
import { getVectaraClient } from "@/lib/server/vectara";
import { resetCorpusSchema } from "./schema";

/** Deletes every document of the corpus; the form must repeat the corpus key. */
export async function resetCorpusAction(
  _state: unknown,
  form: unknown,
): Promise<StaffActionResult> {
  return staffAction({
    name: "resetCorpus",
    role: "admin",
    schema: resetCorpusSchema,
    input: formFields(form, ["confirmation"]),
    invalidMessage: "Type the corpus key to confirm.",
    run: async ({ confirmation }) => {
      await resetCorpus({ client: getVectaraClient(), confirmation });
      revalidatePath("/admin");
      return "Every document was deleted.";
    },
  });
}
