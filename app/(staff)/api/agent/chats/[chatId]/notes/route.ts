import { requireStaffRoute } from "@/lib/auth/staff";
import { chatIdSchema } from "@/lib/chat/ids";
import { AppError } from "@/lib/http/errors";
import { otherMethods } from "@/lib/http/fallbacks";
import { readJsonBody } from "@/lib/http/request";
import { route } from "@/lib/http/route";
import { getVectaraClient } from "@/lib/server/vectara";
import { addNote } from "@/lib/staff/review";
import { noteBodySchema } from "./schema";

export const dynamic = "force-dynamic";

/** Any other method: 405 in the API error shape (Next.js would answer an empty one). */
export const { GET, PUT, PATCH, DELETE } = otherMethods(["POST"]);

/** Adds an internal note to a conversation; notes are shown to staff only. */
export const POST = route(
  "agent",
  async (
    request: Request,
    { params }: { params: Promise<{ chatId: string }> },
  ): Promise<Response> => {
    const auth = await requireStaffRoute(request, "agent");
    if (!auth.ok) return auth.response;

    const chatId = chatIdSchema.safeParse((await params).chatId);
    if (!chatId.success)
      return new AppError("not_found:staff", "No such conversation.").toResponse();
    const body = await readJsonBody(request, noteBodySchema, {
      maxBytes: 16 * 1024,
      audience: "agent",
    });
    if (!body.ok) return body.error.toResponse();

    const note = await addNote({
      client: getVectaraClient(),
      actor: auth.user,
      chatId: chatId.data,
      body: body.data.body,
    });
    if (!note) return new AppError("not_found:staff", "No such conversation.").toResponse();
    return Response.json(note, { status: 201 });
  },
);
