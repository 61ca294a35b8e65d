import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { cache } from "react";
import { transcriptTitle } from "@/components/agent/transcript/format";
import { TranscriptView } from "@/components/agent/transcript/transcript-view";
import { listAssignableStaff } from "@/lib/auth/accounts";
import { hasRole, requireStaffPage } from "@/lib/auth/staff";
import { chatIdSchema } from "@/lib/chat/ids";
import { toTitle } from "@/lib/chat/title";
import { getVectaraClient } from "@/lib/server/vectara";
import { loadTranscript } from "@/lib/staff/review";

type Params = { params: Promise<{ chatId: string }> };

/**
 * One request's transcript, shared by the metadata and the page. Only after the staff
 * check: the title names the conversation, which only staff may read.
 */
const loadChat = cache(async (rawChatId: string) => {
  await requireStaffPage("agent");
  const chatId = chatIdSchema.safeParse(rawChatId);
  if (!chatId.success) return undefined;
  return loadTranscript({ client: getVectaraClient(), chatId: chatId.data });
});

/** The tab names the conversation as the page's heading does; the staff layout adds " · Parley Staff". */
export async function generateMetadata({ params }: Params): Promise<Metadata> {
  // A failed load is the page's to show (its error boundary), from the same cached call.
  const transcript = await loadChat((await params).chatId).catch(() => undefined);
  return { title: transcript ? toTitle(transcriptTitle(transcript)) : "Conversation" };
}

/** One conversation for support agents: transcript, turn inspector, review, notes; moderators disable turns. */
export default async function AgentChatPage({ params }: Params) {
  const user = await requireStaffPage("agent");
  const [transcript, staff] = await Promise.all([
    loadChat((await params).chatId),
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
