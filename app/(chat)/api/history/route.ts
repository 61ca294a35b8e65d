import { getVisitorId } from "@/lib/auth/visitor";
import { listConversations } from "@/lib/chat/conversations";
import { InvalidCursorError } from "@/lib/db";
import { AppError } from "@/lib/http/errors";
import { otherMethods } from "@/lib/http/fallbacks";
import { historyQuerySchema } from "./schema";

export const dynamic = "force-dynamic";

/** Any other method: 405 in the API error shape (Next.js would answer an empty one). */
export const { POST, PUT, PATCH, DELETE } = otherMethods(["GET"]);

/** The visitor's conversations, newest first, a page at a time. */
export async function GET(request: Request): Promise<Response> {
  const params = Object.fromEntries(new URL(request.url).searchParams);
  const query = historyQuerySchema.safeParse(params);
  if (!query.success) {
    return new AppError("bad_request:chat", "Invalid history request.", {
      fieldErrors: Object.fromEntries(
        query.error.issues.map((i) => [["query", ...i.path.map(String)].join("."), i.message]),
      ),
    }).toResponse();
  }

  const visitorId = await getVisitorId();
  if (!visitorId) return Response.json({ chats: [], nextCursor: null });

  try {
    const page = await listConversations({ visitorId, ...query.data });
    return Response.json(page, { headers: { "cache-control": "private, no-store" } });
  } catch (error) {
    if (!(error instanceof InvalidCursorError)) throw error;
    return new AppError("bad_request:chat", "The history cursor is not valid.", {
      fieldErrors: { "query.cursor": "not a cursor this server issued" },
    }).toResponse();
  }
}
