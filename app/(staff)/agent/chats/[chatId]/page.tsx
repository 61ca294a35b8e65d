import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { TranscriptView } from "@/components/agent/transcript/transcript-view";
import { hasRole, requireStaffPage } from "@/lib/auth/staff";
import { chatIdSchema } from "@/lib/chat/ids";
import { loadTranscript } from "@/lib/chat/review";
import { getAppDb, listUsers } from "@/lib/db";

export const metadata: Metadata = { title: "Conversation · Parley Staff" };

/** One conversation for support agents: transcript, turn inspector, review, notes; moderators disable turns. */
export default async function AgentChatPage({ params }: { params: Promise<{ chatId: string }> }) {
  const user = await requireStaffPage("agent");
  const chatId = chatIdSchema.safeParse((await params).chatId);
  if (!chatId.success) notFound();

  const [transcript, users] = await Promise.all([
    loadTranscript({ chatId: chatId.data }),
    getAppDb().then((db) => listUsers({ db })),
  ]);
  if (!transcript) notFound();

  const staff = users
    .filter((u) => !u.disabled)
    .map(({ userId, email, role }) => ({ userId, email, role }));
  return (
    <TranscriptView
      transcript={transcript}
      staff={staff}
      canModerate={hasRole(user, "moderator")}
    />
  );
}
