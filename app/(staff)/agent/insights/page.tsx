import type { Metadata } from "next";
import { InsightsView } from "@/components/agent/insights/insights-view";
import { requireStaffPage } from "@/lib/auth/staff";
import { insightsPageDaysSchema, readInsights } from "@/lib/staff/insights";

export const metadata: Metadata = { title: "Insights" };

/** `/agent/insights?days=7|30|90`: how the assistant did over a period (agents and up). */
export default async function InsightsPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  await requireStaffPage("agent");
  const days = insightsPageDaysSchema.parse((await searchParams).days);
  const report = await readInsights({ days });
  return <InsightsView report={report} />;
}
