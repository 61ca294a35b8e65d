import { notFound } from "next/navigation";
import { Chat } from "@/components/chat/chat";
import { getVisitorId } from "@/lib/auth/visitor";
import { loadConversation } from "@/lib/chat/conversations";
import { chatIdSchema } from "@/lib/chat/ids";

export const dynamic = "force-dynamic";

/** `/chat/[chatId]`: one of the visitor's conversations. Anyone else's is a 404. */
export default async function ChatPage({ params }: { params: Promise<{ chatId: string }> }) {
  const chatId = chatIdSchema.safeParse((await params).chatId);
  if (!chatId.success) notFound();
  const visitorId = await getVisitorId();
  if (!visitorId) notFound();
  const messages = await loadConversation({ visitorId, chatId: chatId.data });
  if (!messages) notFound();
  return <Chat key={chatId.data} chatId={chatId.data} initialMessages={messages} />;
}
