import { getVisitorId } from "@/lib/auth/visitor";
import { deleteConversation } from "@/lib/chat/conversations";
import { chatIdSchema } from "@/lib/chat/ids";
import { AppError } from "@/lib/http/errors";
import { otherMethods } from "@/lib/http/fallbacks";
import { checkSameOrigin } from "@/lib/http/request";
import { route } from "@/lib/http/route";
import { getVectaraClient } from "@/lib/server/vectara";

export const dynamic = "force-dynamic";

/** Any other method: 405 in the API error shape (Next.js would answer an empty one). */
export const { GET, POST, PUT, PATCH } = otherMethods(["DELETE"]);

const notFound = () => new AppError("not_found:chat", "This conversation does not exist.");

/** Deletes one of the visitor's conversations, at Vectara and in Parley. */
export const DELETE = route(
  "visitor",
  async (
    request: Request,
    { params }: { params: Promise<{ chatId: string }> },
  ): Promise<Response> => {
    const crossSite = checkSameOrigin(request);
    if (crossSite) return crossSite.toResponse();

    const chatId = chatIdSchema.safeParse((await params).chatId);
    if (!chatId.success) return notFound().toResponse();

    const visitorId = await getVisitorId();
    if (!visitorId) return notFound().toResponse();

    const deleted = await deleteConversation({
      client: getVectaraClient(),
      visitorId,
      chatId: chatId.data,
    });
    if (!deleted) return notFound().toResponse();
    return new Response(null, { status: 204 });
  },
);
