import { getVisitorId } from "@/lib/auth/visitor";
import { listConversations } from "@/lib/chat/conversations";
import { otherMethods } from "@/lib/http/fallbacks";
import { readQuery } from "@/lib/http/request";
import { route } from "@/lib/http/route";
import { historyQuerySchema } from "./schema";

export const dynamic = "force-dynamic";

/** Any other method: 405 in the API error shape (Next.js would answer an empty one). */
export const { POST, PUT, PATCH, DELETE } = otherMethods(["GET"]);

/** The visitor's conversations, newest first, a page at a time. */
export const GET = route("visitor", async (request: Request): Promise<Response> => {
  const query = readQuery(request, historyQuerySchema, "visitor");
  if (!query.ok) return query.error.toResponse();

  const visitorId = await getVisitorId();
  if (!visitorId) return Response.json({ chats: [], nextCursor: null });

  const page = await listConversations({ visitorId, ...query.data });
  return Response.json(page, { headers: { "cache-control": "private, no-store" } });
});
