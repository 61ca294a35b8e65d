import { staffRoute } from "@/lib/auth/staff";
import { otherMethods } from "@/lib/http/fallbacks";
import { getVectaraClient } from "@/lib/server/vectara";
import { listTriageQueue } from "@/lib/staff/review";

export const dynamic = "force-dynamic";

/** Any other method: 405 in the API error shape (Next.js would answer an empty one). */
export const { POST, PUT, PATCH, DELETE } = otherMethods(["GET"]);

/** The conversations that most need a look: reports, thumbs-down, low scores, uncited answers. */
export const GET = staffRoute({ role: "agent" }, async (_request) => {
  return Response.json(
    { rows: await listTriageQueue({ client: getVectaraClient() }) },
    { headers: { "cache-control": "private, no-store" } },
  );
});
