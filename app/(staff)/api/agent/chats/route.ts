import { staffRoute } from "@/lib/auth/staff";
import { otherMethods } from "@/lib/http/fallbacks";
import { readQuery } from "@/lib/http/request";
import { getVectaraClient } from "@/lib/server/vectara";
import {
  checkChatFilter,
  checkSearchWords,
  listStaffConversations,
  searchStaffConversations,
} from "@/lib/staff/review";
import { listChatsQuerySchema } from "./schema";

export const dynamic = "force-dynamic";

/** Any other method: 405 in the API error shape (Next.js would answer an empty one). */
export const { POST, PUT, PATCH, DELETE } = otherMethods(["GET"]);

const NO_STORE = { "cache-control": "private, no-store" };

/**
 * Every conversation, newest first, with Parley's annotations: all of them, those whose
 * stored turns hold every word of `q`, or those Vectara's regex `filter` matches; by ids too.
 */
export const GET = staffRoute({ role: "agent" }, async (request) => {
  const query = readQuery(request, listChatsQuerySchema, "agent");
  if (!query.ok) return query.error.toResponse();
  const { q, filter, chat_ids: chatIds, page_key: pageKey, limit } = query.data;
  const search = q ? checkSearchWords(q) : undefined;
  if (search && "error" in search) return search.error.toResponse();
  const badFilter = filter ? checkChatFilter(filter) : undefined;
  if (badFilter) return badFilter.toResponse();

  const page = search
    ? await searchStaffConversations({
        client: getVectaraClient(),
        words: search.words,
        chatIds,
        pageKey,
        limit,
      })
    : await listStaffConversations({
        client: getVectaraClient(),
        filter,
        chatIds,
        pageKey,
        limit,
      });
  return Response.json(page, { headers: NO_STORE });
});
