import { listCorpusDocuments } from "@/lib/admin/corpus";
import { staffRoute } from "@/lib/auth/staff";
import { otherMethods } from "@/lib/http/fallbacks";
import { readQuery } from "@/lib/http/request";
import { getVectaraClient } from "@/lib/server/vectara";
import { documentsQuerySchema } from "./schema";

export const dynamic = "force-dynamic";

/** Any other method: 405 in the API error shape (Next.js would answer an empty one). */
export const { POST, PUT, PATCH, DELETE } = otherMethods(["GET"]);

/** A page of the corpus's documents, optionally filtered by metadata, in the order asked. */
export const GET = staffRoute({ role: "admin" }, async (request) => {
  const query = readQuery(request, documentsQuerySchema, "admin");
  if (!query.ok) return query.error.toResponse();

  const page = await listCorpusDocuments({
    client: getVectaraClient(),
    filter: query.data.filter,
    pageKey: query.data.page_key,
    sort: query.data.sort,
  });
  return Response.json(page, { headers: { "cache-control": "private, no-store" } });
});
