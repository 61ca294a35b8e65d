import { requireStaffRoute } from "@/lib/auth/staff";
import { listTriageQueue } from "@/lib/chat/review";
import { otherMethods } from "@/lib/chat/route-fallbacks";
import { staffError } from "@/lib/chat/staff-http";

export const dynamic = "force-dynamic";

/** Any other method: 405 in the API error shape (Next.js would answer an empty one). */
export const { POST, PUT, PATCH, DELETE } = otherMethods(["GET"]);

/** The conversations that most need a look: reports, thumbs-down, low scores, uncited answers. */
export async function GET(request: Request): Promise<Response> {
  const auth = await requireStaffRoute(request, "agent");
  if (!auth.ok) return auth.response;
  try {
    return Response.json(
      { rows: await listTriageQueue() },
      { headers: { "cache-control": "private, no-store" } },
    );
  } catch (error) {
    return staffError(error).toResponse();
  }
}
