import { getVisitorId } from "@/lib/auth/visitor";
import { deleteConversation } from "@/lib/chat/conversations";
import { chatParamsSchema } from "@/lib/chat/ids";
import { AppError } from "@/lib/http/errors";
import { otherMethods } from "@/lib/http/fallbacks";
import { checkSameOrigin } from "@/lib/http/request";
import { readParams, route } from "@/lib/http/route";
import { getVectaraClient } from "@/lib/server/vectara";

export const dynamic = "force-dynamic";

/** Any other method: 405 in the API error shape (Next.js would answer an empty one). */
export const { GET, POST, PUT, PATCH } = otherMethods(["DELETE"]);

const notFound = () => new AppError("not_found:chat", "This conversation does not exist.");

/** Deletes one of the visitor's conversations, at Vectara and in Parley. */
export const DELETE = route("visitor", async (request, context) => {
  const crossSite = checkSameOrigin(request);
  if (crossSite) return crossSite.toResponse();

  const params = await readParams(context, chatParamsSchema, notFound);
  if (!params.ok) return params.error.toResponse();

  const visitorId = await getVisitorId();
  if (!visitorId) return notFound().toResponse();

  const client = getVectaraClient();
  const deleted = await deleteConversation({ client, visitorId, chatId: params.data.chatId });
  if (!deleted) return notFound().toResponse();
  return new Response(null, { status: 204 });
});
