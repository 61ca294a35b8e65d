import { ConversationChat } from "@/components/chat/conversation-chat";
import { HomeChat } from "@/components/chat/home-chat";
import { getVisitorId } from "@/lib/auth/visitor";
import { loadLatestConversation } from "@/lib/chat/conversation-page";
import { homeScreenExamples } from "@/lib/chat/examples";
import { getVectaraClient } from "@/lib/server/vectara";

export const dynamic = "force-dynamic";

/**
 * `/embed`, where the widget's frame opens: the visitor's latest conversation, so a reload
 * of the host page finds it again (an answer still streaming resumes), or a new one.
 */
export default async function EmbedPage() {
  const page = await loadLatestConversation({
    client: getVectaraClient(),
    visitorId: await getVisitorId(),
  });
  if (!page) return <HomeChat examples={await homeScreenExamples()} />;
  return <ConversationChat page={page} />;
}
