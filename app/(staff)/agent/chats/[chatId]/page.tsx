import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { TranscriptView } from "@/components/agent/transcript/transcript-view";
import { listAssignableStaff } from "@/lib/auth/accounts";
import { hasRole, requireStaffPage } from "@/lib/auth/staff";
import { chatIdSchema } from "@/lib/chat/ids";
import { getVectaraClient } from "@/lib/server/vectara";
import { loadTranscript } from "@/lib/staff/review";

export const metadata: Metadata = { title: "Conversation · Parley Staff" };

/** One conversation for support agents: transcript, turn inspector, review, notes; moderators disable turns. */
export default async function AgentChatPage({ params }: { params: Promise<{ chatId: string }> }) {
  const user = await requireStaffPage("agent");
  const chatId = chatIdSchema.safeParse((await params).chatId);
  if (!chatId.success) notFound();

  const [transcript, staff] = await Promise.all([
    loadTranscript({ client: getVectaraClient(), chatId: chatId.data }),
    listAssignableStaff(),
  ]);
  if (!transcript) notFound();
  return (
    <TranscriptView
      transcript={transcript}
      staff={staff}
      canModerate={hasRole(user, "moderator")}
    />
  );
}
