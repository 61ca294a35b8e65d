import { createUIMessageStreamResponse } from "ai";
import { getVisitorId } from "@/lib/auth/visitor";
import { findResumableAnswer, followAnswerStream } from "@/lib/chat/answer-streams";
import { getOwnedChat } from "@/lib/chat/conversations";
import { chatParamsSchema } from "@/lib/chat/ids";
import { AppError } from "@/lib/http/errors";
import { otherMethods } from "@/lib/http/fallbacks";
import { readQuery } from "@/lib/http/request";
import { readParams, route } from "@/lib/http/route";
import { resumeQuerySchema } from "./schema";

export const dynamic = "force-dynamic";

export const { POST, PUT, PATCH, DELETE } = otherMethods(["GET"]);

const notFound = () => new AppError("not_found:chat", "This conversation does not exist.");

/**
 * `useChat`'s reconnect request (`resume`): the answer being generated in the visitor's
 * chat, replayed from its first chunk and followed to its end, on whichever instance
 * generates it. 204 when there is nothing to resume, which the AI SDK takes as such.
 */
export const GET = route("visitor", async (request, context) => {
  const params = await readParams(context, chatParamsSchema, notFound);
  if (!params.ok) return params.error.toResponse();

  const query = readQuery(request, resumeQuerySchema, "visitor");
  if (!query.ok) return query.error.toResponse();

  const visitorId = await getVisitorId();
  if (!visitorId) return notFound().toResponse();

  const { chatId } = params.data;
  if (!(await getOwnedChat({ visitorId, chatId }))) return notFound().toResponse();

  const stream = await findResumableAnswer({ visitorId, chatId, turnId: query.data.turn });
  if (!stream) return new Response(null, { status: 204 });

  return createUIMessageStreamResponse({
    stream: followAnswerStream({ stream, signal: request.signal }),
    headers: { "cache-control": "no-cache, no-transform" },
  });
});
