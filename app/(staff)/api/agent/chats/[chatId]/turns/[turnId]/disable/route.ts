import { staffRoute } from "@/lib/auth/staff";
import { turnParamsSchema } from "@/lib/chat/ids";
import { otherMethods } from "@/lib/http/fallbacks";
import { readJsonBody } from "@/lib/http/request";
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
export const POST = staffRoute(
  { role: "moderator", params: turnParamsSchema, notFound: "No such turn." },
  async (request, { user, params }) => {
    const body = await readJsonBody(request, disableBodySchema, {
      maxBytes: 8 * 1024,
      audience: "agent",
    });
    if (!body.ok) return body.error.toResponse();

    const { reason } = body.data;
    const client = getVectaraClient();
    return Response.json(await disableTurnsFrom({ client, actor: user, ...params, reason }));
  },
);
