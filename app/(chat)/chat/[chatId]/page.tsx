import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { Chat } from "@/components/chat/chat";
import { getVisitorId } from "@/lib/auth/visitor";
import { getOwnedChat, loadConversation } from "@/lib/chat/conversations";
import { chatIdSchema } from "@/lib/chat/ids";
import { getVectaraClient } from "@/lib/server/vectara";

export const dynamic = "force-dynamic";

type Params = { params: Promise<{ chatId: string }> };

/** The tab names the conversation, for the visitor who owns it; anyone else sees only "Parley". */
export async function generateMetadata({ params }: Params): Promise<Metadata> {
  const chatId = chatIdSchema.safeParse((await params).chatId);
  const visitorId = await getVisitorId();
  if (!chatId.success || !visitorId) return {};
  const chat = await getOwnedChat({ visitorId, chatId: chatId.data });
  // The root layout's title template adds " · Parley".
  return chat ? { title: chat.title } : {};
}

/** `/chat/[chatId]`: one of the visitor's conversations. Anyone else's is a 404. */
export default async function ChatPage({ params }: Params) {
  const chatId = chatIdSchema.safeParse((await params).chatId);
  if (!chatId.success) notFound();
  const visitorId = await getVisitorId();
  if (!visitorId) notFound();
  const messages = await loadConversation({
    client: getVectaraClient(),
    visitorId,
    chatId: chatId.data,
  });
  if (!messages) notFound();
  return <Chat key={chatId.data} chatId={chatId.data} initialMessages={messages} />;
}
