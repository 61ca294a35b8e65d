import { deleteCorpusDocument } from "@/lib/admin/corpus";
import { staffRoute } from "@/lib/auth/staff";
import { AppError } from "@/lib/http/errors";
import { otherMethods } from "@/lib/http/fallbacks";
import { getVectaraClient } from "@/lib/server/vectara";
import { documentParamsSchema } from "../schema";

export const dynamic = "force-dynamic";

/** Any other method: 405 in the API error shape (Next.js would answer an empty one). */
export const { GET, POST, PUT, PATCH } = otherMethods(["DELETE"]);

const invalidDocumentId = () =>
  new AppError("bad_request:staff", "Invalid document id.", {
    fieldErrors: { "path.documentId": "must be 1 to 512 characters" },
  });

/**
 * Deletes one document of the corpus. Document ids hold `/` (`uploads/faq.md`): the
 * client percent-encodes the id, and the catch-all segment accepts it whether the
 * `/` arrives encoded or not.
 */
export const DELETE = staffRoute(
  { role: "admin", params: documentParamsSchema, invalid: invalidDocumentId },
  async (_request, { params }) => {
    await deleteCorpusDocument({ client: getVectaraClient(), ...params });
    return new Response(null, { status: 204 });
  },
);
