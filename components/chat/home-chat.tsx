"use client";

import { Chat } from "./chat";
import { useChatSession } from "./chat-session";

/** The new-conversation page's chat, remounted fresh by "New chat". */
export function HomeChat({ examples }: { examples: string[] }) {
  const { generation } = useChatSession();
  return <Chat key={generation} examples={examples} />;
}
