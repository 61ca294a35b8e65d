import { requireStaffRoute } from "@/lib/auth/staff";
import { chatIdSchema, turnIdSchema } from "@/lib/chat/ids";
import { AppError } from "@/lib/http/errors";
import { otherMethods } from "@/lib/http/fallbacks";
import { readJsonBody } from "@/lib/http/request";
import { route } from "@/lib/http/route";
import { getVectaraClient } from "@/lib/server/vectara";
import { disableTurnsFrom } from "@/lib/staff/audit";
import { disableBodySchema } from "./schema";

export const dynamic = "force-dynamic";

/** Any other method: 405 in the API error shape (Next.js would answer an empty one). */
export const { GET, PUT, PATCH, DELETE } = otherMethods(["POST"]);

/**
 * Moderators and admins only: disables the turn and every later one at Vectara
 * (`PATCH …/turns/{id} {enabled:false}`), with a reason, recorded in the audit log.
 */
export const POST = route(
  "agent",
  async (
    request: Request,
    { params }: { params: Promise<{ chatId: string; turnId: string }> },
  ): Promise<Response> => {
    const auth = await requireStaffRoute(request, "moderator");
    if (!auth.ok) return auth.response;

    const raw = await params;
    const chatId = chatIdSchema.safeParse(raw.chatId);
    const turnId = turnIdSchema.safeParse(raw.turnId);
    if (!chatId.success || !turnId.success) {
      return new AppError("not_found:staff", "No such turn.").toResponse();
    }
    const body = await readJsonBody(request, disableBodySchema, {
      maxBytes: 8 * 1024,
      audience: "agent",
    });
    if (!body.ok) return body.error.toResponse();

    const result = await disableTurnsFrom({
      client: getVectaraClient(),
      actor: auth.user,
      chatId: chatId.data,
      turnId: turnId.data,
      reason: body.data.reason,
    });
    return Response.json(result);
  },
);
