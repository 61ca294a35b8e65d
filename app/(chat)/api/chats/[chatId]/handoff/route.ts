import { getVisitorId } from "@/lib/auth/visitor";
import { getHandoffStatus, requestHandoff } from "@/lib/chat/handoff";
import { chatParamsSchema } from "@/lib/chat/ids";
import { requestClientAddress } from "@/lib/http/client-address";
import { AppError } from "@/lib/http/errors";
import { otherMethods } from "@/lib/http/fallbacks";
import { checkSameOrigin, readJsonBody } from "@/lib/http/request";
import { readParams, route } from "@/lib/http/route";
import { handoffBodySchema } from "./schema";

export const dynamic = "force-dynamic";

/** Any other method: 405 in the API error shape (Next.js would answer an empty one). */
export const { PUT, PATCH, DELETE } = otherMethods(["GET", "POST"]);

const notFound = () => new AppError("not_found:chat", "This conversation does not exist.");

const noStore = { "cache-control": "private, no-store" };

/** The state of the visitor's request for a person in their chat: never the email. */
export const GET = route("visitor", async (_request, context) => {
  const params = await readParams(context, chatParamsSchema, notFound);
  if (!params.ok) return params.error.toResponse();

  const visitorId = await getVisitorId();
  if (!visitorId) return notFound().toResponse();

  const status = await getHandoffStatus({ visitorId, chatId: params.data.chatId });
  if (!status) return notFound().toResponse();
  return Response.json(status, { headers: noStore });
});

/**
 * "Talk to a person": the visitor leaves an email and a short message in their own chat.
 * 201 for a new request, 200 when an active one was updated; the answer is the state.
 */
export const POST = route("visitor", async (request, context) => {
  const crossSite = checkSameOrigin(request);
  if (crossSite) return crossSite.toResponse();

  const params = await readParams(context, chatParamsSchema, notFound);
  if (!params.ok) return params.error.toResponse();

  const body = await readJsonBody(request, handoffBodySchema, { maxBytes: 8 * 1024 });
  if (!body.ok) return body.error.toResponse();

  const visitorId = await getVisitorId();
  if (!visitorId) return notFound().toResponse();

  const result = await requestHandoff({
    visitorId,
    address: requestClientAddress(request.headers),
    chatId: params.data.chatId,
    request: body.data,
  });
  if (!result) return notFound().toResponse();
  if ("error" in result) return result.error.toResponse();
  return Response.json(
    { handoff: result.status },
    { status: result.created ? 201 : 200, headers: noStore },
  );
});
