import { requireStaffRoute } from "@/lib/auth/staff";
import { ChatError } from "@/lib/chat/errors";
import { readJsonBody } from "@/lib/chat/http";
import { chatIdSchema } from "@/lib/chat/ids";
import { addNote } from "@/lib/chat/review";
import { otherMethods } from "@/lib/chat/route-fallbacks";
import { staffError } from "@/lib/chat/staff-http";
import { noteBodySchema } from "./schema";

export const dynamic = "force-dynamic";

/** Any other method: 405 in the API error shape (Next.js would answer an empty one). */
export const { GET, PUT, PATCH, DELETE } = otherMethods(["POST"]);

/** Adds an internal note to a conversation; notes are shown to staff only. */
export async function POST(
  request: Request,
  { params }: { params: Promise<{ chatId: string }> },
): Promise<Response> {
  const auth = await requireStaffRoute(request, "agent");
  if (!auth.ok) return auth.response;

  const chatId = chatIdSchema.safeParse((await params).chatId);
  if (!chatId.success)
    return new ChatError("not_found:staff", "No such conversation.").toResponse();
  const body = await readJsonBody(request, noteBodySchema, 16 * 1024);
  if (!body.ok) return body.error.toResponse();

  try {
    const note = await addNote({ actor: auth.user, chatId: chatId.data, body: body.data.body });
    if (!note) return new ChatError("not_found:staff", "No such conversation.").toResponse();
    return Response.json(note, { status: 201 });
  } catch (error) {
    return staffError(error).toResponse();
  }
}
