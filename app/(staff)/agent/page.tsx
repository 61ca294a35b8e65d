import type { Metadata } from "next";
import { ConversationsConsole } from "@/components/agent/conversations-console";
import { requireStaffPage } from "@/lib/auth/staff";

export const metadata: Metadata = { title: "Conversations" };

/** `/agent`: the triage queue and every conversation (agents and up). */
export default async function AgentPage() {
  await requireStaffPage("agent");
  return <ConversationsConsole />;
}
