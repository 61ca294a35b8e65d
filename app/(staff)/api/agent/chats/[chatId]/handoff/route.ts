import { staffRoute } from "@/lib/auth/staff";
import { chatParamsSchema } from "@/lib/chat/ids";
import { AppError } from "@/lib/http/errors";
import { otherMethods } from "@/lib/http/fallbacks";
import { readJsonBody } from "@/lib/http/request";
import { NO_SUCH_CHAT, setHandoffState } from "@/lib/staff/review";
import { handoffStateBodySchema } from "./schema";

export const dynamic = "force-dynamic";

/** Any other method: 405 in the API error shape (Next.js would answer an empty one). */
export const { GET, POST, PATCH, DELETE } = otherMethods(["PUT"]);

const NO_HANDOFF = "This conversation has no request for a person.";

/** Sets the state of a visitor's request for a person: open, contacted or closed. */
export const PUT = staffRoute(
  { role: "agent", params: chatParamsSchema, notFound: NO_SUCH_CHAT },
  async (request, { user, params: { chatId } }) => {
    const body = await readJsonBody(request, handoffStateBodySchema, {
      maxBytes: 1024,
      audience: "agent",
    });
    if (!body.ok) return body.error.toResponse();

    const handoff = await setHandoffState({ actor: user, chatId, state: body.data.state });
    if (!handoff) return new AppError("not_found:staff", NO_HANDOFF).toResponse();
    return Response.json(handoff, { headers: { "cache-control": "private, no-store" } });
  },
);
