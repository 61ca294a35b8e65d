import "server-only";
import type { VectaraClient } from "@/lib/vectara";
import { findLiveAnswer, settleStoppedAnswer } from "./answer-streams";
import { getOwnedChat, listConversations, loadThreadOfChat } from "./conversations";
import { chatIdSchema } from "./ids";
import type { ChatMessage } from "./messages";

/**
 * What a page showing one of the visitor's conversations needs (`/chat/[id]` and the
 * widget's `/embed/chat/[id]` and `/embed`): the chat, its thread, and the answer still
 * being generated when the page was asked for (a reload mid-answer), which the page
 * resumes.
 */
export interface ConversationPage {
  chatId: string;
  title: string;
  messages: ChatMessage[];
  resumeTurnId?: string;
}

/** The visitor's chat `rawChatId` (a path segment), or undefined for a bad id or a stranger's chat. */
export async function findOwnedChat({
  visitorId,
  rawChatId,
}: {
  visitorId: string | null;
  rawChatId: string;
}) {
  const chatId = chatIdSchema.safeParse(rawChatId);
  if (!chatId.success || !visitorId) return undefined;
  return getOwnedChat({ visitorId, chatId: chatId.data });
}

type OwnedChat = NonNullable<Awaited<ReturnType<typeof findOwnedChat>>>;

/** The conversation of a chat the visitor owns (`findOwnedChat`); undefined when it is gone. */
export async function loadConversationPage({
  client,
  chat,
}: {
  client: VectaraClient;
  chat: OwnedChat;
}): Promise<ConversationPage | undefined> {
  // An answer stopped a moment ago (perhaps on another instance) is shown once it is stored
  // as the visitor saw it, not empty in between.
  await settleStoppedAnswer({ visitorId: chat.ownerId, chatId: chat.chatId });
  const live = await findLiveAnswer({ visitorId: chat.ownerId, chatId: chat.chatId });
  const messages = await loadThreadOfChat({ client, chat, pendingTurnId: live?.streamId });
  if (!messages) return undefined;
  return { chatId: chat.chatId, title: chat.title, messages, resumeTurnId: live?.streamId };
}

/** The visitor's most recent conversation, for the widget to open where they left off. */
export async function loadLatestConversation({
  client,
  visitorId,
}: {
  client: VectaraClient;
  visitorId: string | null;
}): Promise<ConversationPage | undefined> {
  if (!visitorId) return undefined;
  const latest = (await listConversations({ visitorId, limit: 1 })).chats[0];
  if (!latest) return undefined;
  const chat = await findOwnedChat({ visitorId, rawChatId: latest.chatId });
  return chat && loadConversationPage({ client, chat });
}
