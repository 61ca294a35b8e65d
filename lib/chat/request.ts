import type { ChatRequest } from "@/lib/vectara";
import { SNIPPET_END, SNIPPET_START } from "./messages";

/** How many search results an answer is generated from, and so how many it can cite. */
export const MAX_USED_SEARCH_RESULTS = 5;

/**
 * The one Vectara chat request Parley sends, for a new chat and for a turn alike:
 * numbered citations, a factual-consistency score, two sentences of context on each
 * side of a match (tagged so that cards can highlight it), and stored history.
 */
export function buildChatRequest({
  query,
  corpusKey,
}: {
  query: string;
  corpusKey: string;
}): ChatRequest {
  return {
    query,
    search: {
      corpora: [{ corpus_key: corpusKey }],
      limit: 25,
      context_configuration: {
        sentences_before: 2,
        sentences_after: 2,
        start_tag: SNIPPET_START,
        end_tag: SNIPPET_END,
      },
    },
    generation: {
      max_used_search_results: MAX_USED_SEARCH_RESULTS,
      response_language: "auto",
      citations: { style: "numeric" },
      enable_factual_consistency_score: true,
    },
    chat: { store: true },
  };
}
