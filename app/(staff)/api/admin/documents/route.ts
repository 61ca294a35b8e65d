import { listCorpusDocuments, toStaffError } from "@/lib/admin/corpus";
import { requireStaffRoute } from "@/lib/auth/staff";
import { AppError } from "@/lib/http/errors";
import { otherMethods } from "@/lib/http/fallbacks";
import { getVectaraClient } from "@/lib/server/vectara";
import { documentsQuerySchema } from "./schema";

export const dynamic = "force-dynamic";

/** Any other method: 405 in the API error shape (Next.js would answer an empty one). */
export const { POST, PUT, PATCH, DELETE } = otherMethods(["GET"]);

/** A page of the corpus's documents, optionally filtered by metadata, in the order asked. */
export async function GET(request: Request): Promise<Response> {
  const auth = await requireStaffRoute(request, "admin");
  if (!auth.ok) return auth.response;

  const query = documentsQuerySchema.safeParse(
    Object.fromEntries(new URL(request.url).searchParams),
  );
  if (!query.success) {
    return new AppError("bad_request:staff", "Invalid document list request.", {
      fieldErrors: Object.fromEntries(
        query.error.issues.map((i) => [["query", ...i.path.map(String)].join("."), i.message]),
      ),
    }).toResponse();
  }

  try {
    const page = await listCorpusDocuments({
      client: getVectaraClient(),
      filter: query.data.filter,
      pageKey: query.data.page_key,
      sort: query.data.sort,
    });
    return Response.json(page, { headers: { "cache-control": "private, no-store" } });
  } catch (error) {
    return toStaffError(error).toResponse();
  }
}
