import type { ConversationPage } from "@/lib/chat/conversation-page";
import { Chat } from "./chat";

/**
 * One of the visitor's conversations, as a page loaded it (`loadConversationPage`): its
 * thread, and the answer still being generated, which the chat resumes. Keyed by the chat,
 * so another conversation is a fresh chat.
 */
export function ConversationChat({ page }: { page: ConversationPage }) {
  return (
    <Chat
      key={page.chatId}
      chatId={page.chatId}
      initialMessages={page.messages}
      resumeTurnId={page.resumeTurnId}
    />
  );
}
