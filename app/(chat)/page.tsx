import { HomeChat } from "@/components/chat/home-chat";
import { ExamplesFileError, listExampleQuestions } from "@/lib/chat/examples";
import { errorFields, getLogger } from "@/lib/observability/log";

export const dynamic = "force-dynamic";

/** A broken or missing examples file hides the examples; it never breaks the page. */
async function loadExamples(): Promise<string[]> {
  try {
    return (await listExampleQuestions()).map((e) => e.question);
  } catch (error) {
    if (!(error instanceof ExamplesFileError)) throw error;
    getLogger().warn(errorFields(error), "the examples file cannot be read");
    return [];
  }
}

/** `/`: a new conversation. */
export default async function HomePage() {
  return <HomeChat examples={await loadExamples()} />;
}
