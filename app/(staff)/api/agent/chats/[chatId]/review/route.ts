import { staffRoute } from "@/lib/auth/staff";
import { chatParamsSchema } from "@/lib/chat/ids";
import { AppError } from "@/lib/http/errors";
import { otherMethods } from "@/lib/http/fallbacks";
import { readJsonBody } from "@/lib/http/request";
import { getVectaraClient } from "@/lib/server/vectara";
import { NO_SUCH_CHAT, setReview } from "@/lib/staff/review";
import { reviewBodySchema } from "./schema";

export const dynamic = "force-dynamic";

/** Any other method: 405 in the API error shape (Next.js would answer an empty one). */
export const { GET, POST, PATCH, DELETE } = otherMethods(["PUT"]);

/** Sets a conversation's review status and who it is assigned to. */
export const PUT = staffRoute(
  { role: "agent", params: chatParamsSchema, notFound: NO_SUCH_CHAT },
  async (request, { user, params: { chatId } }) => {
    const body = await readJsonBody(request, reviewBodySchema, {
      maxBytes: 4 * 1024,
      audience: "agent",
    });
    if (!body.ok) return body.error.toResponse();

    const client = getVectaraClient();
    const found = await setReview({ client, actor: user, chatId, ...body.data });
    if (!found) return new AppError("not_found:staff", NO_SUCH_CHAT).toResponse();
    return new Response(null, { status: 204 });
  },
);
