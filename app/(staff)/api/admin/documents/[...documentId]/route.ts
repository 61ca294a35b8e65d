import { deleteCorpusDocument } from "@/lib/admin/corpus";
import { requireStaffRoute } from "@/lib/auth/staff";
import { AppError } from "@/lib/http/errors";
import { otherMethods } from "@/lib/http/fallbacks";
import { route } from "@/lib/http/route";
import { getVectaraClient } from "@/lib/server/vectara";
import { documentIdParamSchema } from "../schema";

export const dynamic = "force-dynamic";

/** Any other method: 405 in the API error shape (Next.js would answer an empty one). */
export const { GET, POST, PUT, PATCH } = otherMethods(["DELETE"]);

/**
 * Deletes one document of the corpus. Document ids hold `/` (`uploads/faq.md`): the
 * client percent-encodes the id, and the catch-all segment accepts it whether the
 * `/` arrives encoded or not.
 */
export const DELETE = route(
  "admin",
  async (
    request: Request,
    { params }: { params: Promise<{ documentId: string[] }> },
  ): Promise<Response> => {
    const auth = await requireStaffRoute(request, "admin");
    if (!auth.ok) return auth.response;

    const documentId = documentIdParamSchema.safeParse((await params).documentId);
    if (!documentId.success) {
      return new AppError("bad_request:staff", "Invalid document id.", {
        fieldErrors: { "path.documentId": "must be 1 to 512 characters" },
      }).toResponse();
    }

    await deleteCorpusDocument({ client: getVectaraClient(), documentId: documentId.data });
    return new Response(null, { status: 204 });
  },
);
