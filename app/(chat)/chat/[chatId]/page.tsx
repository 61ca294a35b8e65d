import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { cache } from "react";
import { Chat } from "@/components/chat/chat";
import { getVisitorId } from "@/lib/auth/visitor";
import { loadOwnedConversation } from "@/lib/chat/conversations";
import { chatIdSchema } from "@/lib/chat/ids";
import { getVectaraClient } from "@/lib/server/vectara";

export const dynamic = "force-dynamic";

type Params = { params: Promise<{ chatId: string }> };

/**
 * One request's conversation, shared by the metadata and the page: one ownership read,
 * one turn listing. Undefined for a malformed id, a stranger's chat or one Vectara lost.
 */
const loadChat = cache(async (rawChatId: string) => {
  const chatId = chatIdSchema.safeParse(rawChatId);
  if (!chatId.success) return undefined;
  const visitorId = await getVisitorId();
  if (!visitorId) return undefined;
  return loadOwnedConversation({ client: getVectaraClient(), visitorId, chatId: chatId.data });
});

/** The tab names the conversation, for the visitor who owns it; anyone else sees only "Parley". */
export async function generateMetadata({ params }: Params): Promise<Metadata> {
  // A failed load is the page's to show (its error boundary), from the same cached call.
  const loaded = await loadChat((await params).chatId).catch(() => undefined);
  // The root layout's title template adds " · Parley".
  return loaded ? { title: loaded.chat.title } : {};
}

/** `/chat/[chatId]`: one of the visitor's conversations. Anyone else's is a 404. */
export default async function ChatPage({ params }: Params) {
  const loaded = await loadChat((await params).chatId);
  if (!loaded) notFound();
  const { chat, messages } = loaded;
  return <Chat key={chat.chatId} chatId={chat.chatId} initialMessages={messages} />;
}
