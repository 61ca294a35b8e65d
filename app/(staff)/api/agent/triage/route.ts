import { requireStaffRoute } from "@/lib/auth/staff";
import { listTriageQueue } from "@/lib/chat/review";
import { staffError } from "@/lib/chat/staff-http";

export const dynamic = "force-dynamic";

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
