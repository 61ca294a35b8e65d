import { HomeChat } from "@/components/chat/home-chat";
import { homeScreenExamples } from "@/lib/chat/examples";

export const dynamic = "force-dynamic";

/** `/embed/new`: a new conversation in the widget's frame ("New chat"). */
export default async function EmbedNewChatPage() {
  return <HomeChat examples={await homeScreenExamples()} />;
}
