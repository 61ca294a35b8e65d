import { getVisitorId } from "@/lib/auth/visitor";
import { setTurnFeedback } from "@/lib/chat/conversations";
import { AppError } from "@/lib/http/errors";
import { otherMethods } from "@/lib/http/fallbacks";
import { checkSameOrigin, readJsonBody } from "@/lib/http/request";
import { route } from "@/lib/http/route";
import { feedbackBodySchema } from "./schema";

export const dynamic = "force-dynamic";

/** Any other method: 405 in the API error shape (Next.js would answer an empty one). */
export const { GET, PUT, PATCH, DELETE } = otherMethods(["POST"]);

/** Thumbs up or down, with an optional reason, on one answer of the visitor's own chat. */
export const POST = route("visitor", async (request: Request): Promise<Response> => {
  const crossSite = checkSameOrigin(request);
  if (crossSite) return crossSite.toResponse();

  const body = await readJsonBody(request, feedbackBodySchema, { maxBytes: 8 * 1024 });
  if (!body.ok) return body.error.toResponse();

  const visitorId = await getVisitorId();
  if (!visitorId) return notFound().toResponse();

  const { chatId, turnId, rating, reason, reported } = body.data;
  const saved = await setTurnFeedback({
    visitorId,
    chatId,
    turnId,
    rating,
    reason: reason || undefined,
    reported,
  });
  if (!saved) return notFound().toResponse();
  return new Response(null, { status: 204 });
});

const notFound = () => new AppError("not_found:chat", "This answer does not exist.");
