import { requireStaffRoute } from "@/lib/auth/staff";
import { chatIdSchema } from "@/lib/chat/ids";
import { AppError } from "@/lib/http/errors";
import { otherMethods } from "@/lib/http/fallbacks";
import { readQuery } from "@/lib/http/request";
import { route } from "@/lib/http/route";
import { getVectaraClient } from "@/lib/server/vectara";
import { loadTranscript, transcriptToMarkdown } from "@/lib/staff/review";
import { exportQuerySchema } from "./schema";

export const dynamic = "force-dynamic";

/** Any other method: 405 in the API error shape (Next.js would answer an empty one). */
export const { POST, PUT, PATCH, DELETE } = otherMethods(["GET"]);

/** The transcript as a download: JSON (everything) or Markdown (for people). */
export const GET = route(
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
    const query = readQuery(request, exportQuerySchema, "agent");
    if (!query.ok) return query.error.toResponse();

    const transcript = await loadTranscript({ client: getVectaraClient(), chatId: chatId.data });
    if (!transcript) return new AppError("not_found:staff", "No such conversation.").toResponse();
    const name = `parley-${chatId.data}.${query.data.format}`;
    const headers = {
      "content-disposition": `attachment; filename="${name}"`,
      "cache-control": "private, no-store",
    };
    return query.data.format === "md"
      ? new Response(transcriptToMarkdown(transcript), {
          headers: { ...headers, "content-type": "text/markdown; charset=utf-8" },
        })
      : Response.json(transcript, { headers });
  },
);
