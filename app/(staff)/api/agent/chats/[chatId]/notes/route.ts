import { staffRoute } from "@/lib/auth/staff";
import { chatParamsSchema } from "@/lib/chat/ids";
import { AppError } from "@/lib/http/errors";
import { otherMethods } from "@/lib/http/fallbacks";
import { readJsonBody } from "@/lib/http/request";
import { getVectaraClient } from "@/lib/server/vectara";
import { addNote, NO_SUCH_CHAT } from "@/lib/staff/review";
import { noteBodySchema } from "./schema";

export const dynamic = "force-dynamic";

/** Any other method: 405 in the API error shape (Next.js would answer an empty one). */
export const { GET, PUT, PATCH, DELETE } = otherMethods(["POST"]);

/** Adds an internal note to a conversation; notes are shown to staff only. */
export const POST = staffRoute(
  { role: "agent", params: chatParamsSchema, notFound: NO_SUCH_CHAT },
  async (request, { user, params: { chatId } }) => {
    const body = await readJsonBody(request, noteBodySchema, {
      maxBytes: 16 * 1024,
      audience: "agent",
    });
    if (!body.ok) return body.error.toResponse();

    const client = getVectaraClient();
    const note = await addNote({ client, actor: user, chatId, body: body.data.body });
    if (!note) return new AppError("not_found:staff", NO_SUCH_CHAT).toResponse();
    return Response.json(note, { status: 201 });
  },
);
