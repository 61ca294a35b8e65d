import { getVisitorId } from "@/lib/auth/visitor";
import { stopAnswer } from "@/lib/chat/conversations";
import { turnParamsSchema } from "@/lib/chat/ids";
import { AppError } from "@/lib/http/errors";
import { otherMethods } from "@/lib/http/fallbacks";
import { checkSameOrigin, readJsonBody } from "@/lib/http/request";
import { readParams, route } from "@/lib/http/route";
import { stopBodySchema } from "./schema";

export const dynamic = "force-dynamic";

export const { GET, PUT, PATCH, DELETE } = otherMethods(["POST"]);

const notFound = () => new AppError("not_found:chat", "This answer does not exist.");

/**
 * The visitor pressed Stop: the answer is stored as they saw it, cut at `shownChars` and
 * marked stopped, even when the server had already sent (or Vectara stored) more.
 */
export const POST = route("visitor", async (request, context) => {
  const crossSite = checkSameOrigin(request);
  if (crossSite) return crossSite.toResponse();

  const params = await readParams(context, turnParamsSchema, notFound);
  if (!params.ok) return params.error.toResponse();

  const body = await readJsonBody(request, stopBodySchema);
  if (!body.ok) return body.error.toResponse();

  const visitorId = await getVisitorId();
  if (!visitorId) return notFound().toResponse();

  const { chatId, turnId } = params.data;
  const { shownChars } = body.data;
  const stopped = await stopAnswer({ visitorId, chatId, turnId, shownChars });
  if (!stopped) return notFound().toResponse();
  return new Response(null, { status: 204 });
});
