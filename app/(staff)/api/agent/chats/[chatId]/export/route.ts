import { staffRoute } from "@/lib/auth/staff";
import { chatParamsSchema } from "@/lib/chat/ids";
import { AppError } from "@/lib/http/errors";
import { otherMethods } from "@/lib/http/fallbacks";
import { readQuery } from "@/lib/http/request";
import { getVectaraClient } from "@/lib/server/vectara";
import { loadTranscript, NO_SUCH_CHAT, transcriptToMarkdown } from "@/lib/staff/review";
import { exportQuerySchema } from "./schema";

export const dynamic = "force-dynamic";

/** Any other method: 405 in the API error shape (Next.js would answer an empty one). */
export const { POST, PUT, PATCH, DELETE } = otherMethods(["GET"]);

/** The transcript as a download: JSON (everything) or Markdown (for people). */
export const GET = staffRoute(
  { role: "agent", params: chatParamsSchema, notFound: NO_SUCH_CHAT },
  async (request, { params: { chatId } }) => {
    const query = readQuery(request, exportQuerySchema, "agent");
    if (!query.ok) return query.error.toResponse();

    const transcript = await loadTranscript({ client: getVectaraClient(), chatId });
    if (!transcript) return new AppError("not_found:staff", NO_SUCH_CHAT).toResponse();
    const { format } = query.data;
    const headers = {
      "content-disposition": `attachment; filename="parley-${chatId}.${format}"`,
      "cache-control": "private, no-store",
    };
    return format === "md"
      ? new Response(transcriptToMarkdown(transcript), {
          headers: { ...headers, "content-type": "text/markdown; charset=utf-8" },
        })
      : Response.json(transcript, { headers });
  },
);
