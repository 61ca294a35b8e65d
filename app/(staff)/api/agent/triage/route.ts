import { requireStaffRoute } from "@/lib/auth/staff";
import { otherMethods } from "@/lib/http/fallbacks";
import { staffError } from "@/lib/http/staff-errors";
import { getVectaraClient } from "@/lib/server/vectara";
import { listTriageQueue } from "@/lib/staff/review";

export const dynamic = "force-dynamic";

/** Any other method: 405 in the API error shape (Next.js would answer an empty one). */
export const { POST, PUT, PATCH, DELETE } = otherMethods(["GET"]);

/** The conversations that most need a look: reports, thumbs-down, low scores, uncited answers. */
export async function GET(request: Request): Promise<Response> {
  const auth = await requireStaffRoute(request, "agent");
  if (!auth.ok) return auth.response;
  try {
    return Response.json(
      { rows: await listTriageQueue({ client: getVectaraClient() }) },
      { headers: { "cache-control": "private, no-store" } },
    );
  } catch (error) {
    return staffError(error).toResponse();
  }
}
