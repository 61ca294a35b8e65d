import { notFound } from "next/navigation";
import { ConversationChat } from "@/components/chat/conversation-chat";
import { getVisitorId } from "@/lib/auth/visitor";
import { findOwnedChat, loadConversationPage } from "@/lib/chat/conversation-page";
import { getVectaraClient } from "@/lib/server/vectara";

export const dynamic = "force-dynamic";

/** `/embed/chat/[chatId]`: one of the visitor's conversations in the widget's frame. */
export default async function EmbedChatPage({ params }: { params: Promise<{ chatId: string }> }) {
  const chat = await findOwnedChat({
    visitorId: await getVisitorId(),
    rawChatId: (await params).chatId,
  });
  if (!chat) notFound();
  const page = await loadConversationPage({ client: getVectaraClient(), chat });
  if (!page) notFound();
  return <ConversationChat page={page} />;
}
