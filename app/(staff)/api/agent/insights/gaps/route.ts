import { staffRoute } from "@/lib/auth/staff";
import { otherMethods } from "@/lib/http/fallbacks";
import { readQuery } from "@/lib/http/request";
import { gapCsvFilename, readInsights } from "@/lib/staff/insights";
import { gapGroupsToCsv } from "@/lib/staff/insights-gaps";
import { gapsQuerySchema } from "./schema";

export const dynamic = "force-dynamic";

/** Any other method: 405 in the API error shape (Next.js would answer an empty one). */
export const { POST, PUT, PATCH, DELETE } = otherMethods(["GET"]);

/** The period's knowledge-gap groups as a CSV download (agents and up). */
export const GET = staffRoute({ role: "agent" }, async (request) => {
  const query = readQuery(request, gapsQuerySchema, "agent");
  if (!query.ok) return query.error.toResponse();
  const now = Date.now();
  const { gaps } = await readInsights({ days: query.data.days, now });
  return new Response(gapGroupsToCsv(gaps.groups), {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="${gapCsvFilename(query.data.days, now)}"`,
      "cache-control": "private, no-store",
    },
  });
});
