import { staffRoute } from "@/lib/auth/staff";
import { AppError } from "@/lib/http/errors";
import { otherMethods } from "@/lib/http/fallbacks";
import { readQuery } from "@/lib/http/request";
import { getVectaraClient } from "@/lib/server/vectara";
import { InvalidAuditCursorError, listAuditLog } from "@/lib/staff/audit";
import { auditQuerySchema } from "./schema";

export const dynamic = "force-dynamic";

/** Any other method: 405 in the API error shape (Next.js would answer an empty one). */
export const { POST, PUT, PATCH, DELETE } = otherMethods(["GET"]);

/**
 * The moderation audit log, newest first; filter by chat, actor or a word of the reason.
 * Each entry names its turns by number and question, and says whether its chat still exists.
 */
export const GET = staffRoute({ role: "agent" }, async (request) => {
  const query = readQuery(request, auditQuerySchema, "agent");
  if (!query.ok) return query.error.toResponse();
  const { chat_id: chatId, actor, q, cursor, limit } = query.data;
  try {
    const page = await listAuditLog({
      client: getVectaraClient(),
      chatId,
      actorEmail: actor || undefined,
      reasonContains: q || undefined,
      cursor,
      limit,
    });
    return Response.json(page, { headers: { "cache-control": "private, no-store" } });
  } catch (error) {
    if (!(error instanceof InvalidAuditCursorError)) throw error;
    return new AppError("bad_request:staff", "The audit cursor is not valid.").toResponse();
  }
});
