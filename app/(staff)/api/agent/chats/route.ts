import { requireStaffRoute } from "@/lib/auth/staff";
import { checkChatFilter, listStaffConversations } from "@/lib/chat/review";
import { otherMethods } from "@/lib/chat/route-fallbacks";
import { queryError, readQuery, staffError } from "@/lib/chat/staff-http";
import { listChatsQuerySchema } from "./schema";

export const dynamic = "force-dynamic";

/** Any other method: 405 in the API error shape (Next.js would answer an empty one). */
export const { POST, PUT, PATCH, DELETE } = otherMethods(["GET"]);

/** Every conversation, newest first, with Parley's annotations; filter by regex or ids. */
export async function GET(request: Request): Promise<Response> {
  const auth = await requireStaffRoute(request, "agent");
  if (!auth.ok) return auth.response;

  const query = readQuery(request, listChatsQuerySchema);
  if (!query.success) return queryError(query.error).toResponse();
  const { filter, chat_ids: chatIds, page_key: pageKey, limit } = query.data;
  const badFilter = filter ? checkChatFilter(filter) : undefined;
  if (badFilter) return badFilter.toResponse();

  try {
    const page = await listStaffConversations({ filter, chatIds, pageKey, limit });
    return Response.json(page, { headers: { "cache-control": "private, no-store" } });
  } catch (error) {
    return staffError(error).toResponse();
  }
}
