import { HomeChat } from "@/components/chat/home-chat";
import { homeScreenExamples } from "@/lib/chat/examples";

export const dynamic = "force-dynamic";

/** `/`: a new conversation. */
export default async function HomePage() {
  return <HomeChat examples={await homeScreenExamples()} />;
}
