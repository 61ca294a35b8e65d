import { requireStaffRoute } from "@/lib/auth/staff";
import { chatIdSchema } from "@/lib/chat/ids";
import { AppError } from "@/lib/http/errors";
import { otherMethods } from "@/lib/http/fallbacks";
import { readJsonBody } from "@/lib/http/request";
import { route } from "@/lib/http/route";
import { getVectaraClient } from "@/lib/server/vectara";
import { setReview } from "@/lib/staff/review";
import { reviewBodySchema } from "./schema";

export const dynamic = "force-dynamic";

/** Any other method: 405 in the API error shape (Next.js would answer an empty one). */
export const { GET, POST, PATCH, DELETE } = otherMethods(["PUT"]);

/** Sets a conversation's review status and who it is assigned to. */
export const PUT = route(
  "agent",
  async (
    request: Request,
    { params }: { params: Promise<{ chatId: string }> },
  ): Promise<Response> => {
    const auth = await requireStaffRoute(request, "agent");
    if (!auth.ok) return auth.response;

    const chatId = chatIdSchema.safeParse((await params).chatId);
    if (!chatId.success)
      return new AppError("not_found:staff", "No such conversation.").toResponse();
    const body = await readJsonBody(request, reviewBodySchema, {
      maxBytes: 4 * 1024,
      audience: "agent",
    });
    if (!body.ok) return body.error.toResponse();

    const { status, assigneeId } = body.data;
    const found = await setReview({
      client: getVectaraClient(),
      actor: auth.user,
      chatId: chatId.data,
      status,
      assigneeId,
    });
    if (!found) return new AppError("not_found:staff", "No such conversation.").toResponse();
    return new Response(null, { status: 204 });
  },
);
