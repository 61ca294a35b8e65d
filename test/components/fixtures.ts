import type { Citation } from "@/lib/chat/messages";

export function citation(index: number, overrides: Partial<Citation> = {}): Citation {
  return {
    index,
    documentId: `doc-${index}`,
    title: `Article ${index}`,
    snippet: { before: "Before text. ", match: "the matched part", after: " After text." },
    score: 0.8,
    ...overrides,
  };
}
