import { getVisitorId } from "@/lib/auth/visitor";
import { stopAnswer } from "@/lib/chat/conversations";
import { chatIdSchema, turnIdSchema } from "@/lib/chat/ids";
import { AppError } from "@/lib/http/errors";
import { otherMethods } from "@/lib/http/fallbacks";
import { checkSameOrigin, readJsonBody } from "@/lib/http/request";
import { route } from "@/lib/http/route";
import { stopBodySchema } from "./schema";

export const dynamic = "force-dynamic";

export const { GET, PUT, PATCH, DELETE } = otherMethods(["POST"]);

const notFound = () => new AppError("not_found:chat", "This answer does not exist.");

/**
 * The visitor pressed Stop: the answer is stored as they saw it, cut at `shownChars` and
 * marked stopped, even when the server had already sent (or Vectara stored) more.
 */
export const POST = route(
  "visitor",
  async (
    request: Request,
    { params }: { params: Promise<{ chatId: string; turnId: string }> },
  ): Promise<Response> => {
    const crossSite = checkSameOrigin(request);
    if (crossSite) return crossSite.toResponse();

    const raw = await params;
    const chatId = chatIdSchema.safeParse(raw.chatId);
    const turnId = turnIdSchema.safeParse(raw.turnId);
    if (!chatId.success || !turnId.success) return notFound().toResponse();

    const body = await readJsonBody(request, stopBodySchema);
    if (!body.ok) return body.error.toResponse();

    const visitorId = await getVisitorId();
    if (!visitorId) return notFound().toResponse();

    const stopped = await stopAnswer({
      visitorId,
      chatId: chatId.data,
      turnId: turnId.data,
      shownChars: body.data.shownChars,
    });
    if (!stopped) return notFound().toResponse();
    return new Response(null, { status: 204 });
  },
);
