import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { cache } from "react";
import { ConversationChat } from "@/components/chat/conversation-chat";
import { getVisitorId } from "@/lib/auth/visitor";
import { findOwnedChat, loadConversationPage } from "@/lib/chat/conversation-page";
import { getVectaraClient } from "@/lib/server/vectara";

export const dynamic = "force-dynamic";

type Params = { params: Promise<{ chatId: string }> };

/**
 * The chat when this request's visitor owns it, read once per request (React.cache) for
 * the metadata and the page. Undefined for a malformed id or a stranger's chat.
 */
const ownedChat = cache(async (rawChatId: string) =>
  findOwnedChat({ visitorId: await getVisitorId(), rawChatId }),
);

/** The tab names the conversation, for the visitor who owns it; anyone else sees only "Parley". */
export async function generateMetadata({ params }: Params): Promise<Metadata> {
  const chat = await ownedChat((await params).chatId);
  // The root layout's title template adds " · Parley".
  return chat ? { title: chat.title } : {};
}

/** `/chat/[chatId]`: one of the visitor's conversations. Anyone else's is a 404. */
export default async function ChatPage({ params }: Params) {
  const chat = await ownedChat((await params).chatId);
  if (!chat) notFound();
  // An answer still being generated (the visitor reloaded mid-answer) is resumed by the
  // page: the thread shows its question, and the answer streams in after it.
  const page = await loadConversationPage({ client: getVectaraClient(), chat });
  if (!page) notFound();
  return <ConversationChat page={page} />;
}
