/**
 * Asks questions of a folder of documents the way the app does, printing the rephrased
 * query, the top documents, the answer and its score. A conversation is several
 * arguments; a new chat starts at each `--new`.
 *
 *   npx tsx bench/answers/ask.ts content/demo-kb "how much is the team plan?" "and business?"
 */
import { buildChatRequest } from "@/lib/chat/request";
import { createEngine } from "@/lib/engine";
import { ingest } from "@/lib/ingest";
import { createVectaraClient } from "@/lib/vectara";
import { rankedDocuments } from "./score";

const [root, ...questions] = process.argv.slice(2);
if (!root || questions.length === 0) {
  console.error('usage: ask.ts <folder> "question" ["follow-up" | --new ...]');
  process.exit(2);
}
const engine = createEngine({ dataDir: "", inMemory: true, log: () => {} });
const client = createVectaraClient({
  baseUrl: "http://parley.local",
  fetch: engine.handle,
  auth: { type: "api_key", apiKey: engine.apiKey },
  maxRetries: 0,
});
await ingest({
  client,
  corpus: "kb",
  paths: [root],
  extensions: ["md", "html", "htm"],
  create: true,
});
let chatId: string | undefined;
for (const q of questions) {
  if (q === "--new") {
    chatId = undefined;
    continue;
  }
  const body = buildChatRequest({ query: q, corpusKey: "kb" });
  const a = chatId ? await client.turns.create(chatId, body) : await client.chats.create(body);
  chatId = a.chatId;
  console.log(`\n> ${q}`);
  if (a.rephrasedQuery && a.rephrasedQuery !== q) console.log(`  rephrased: ${a.rephrasedQuery}`);
  const docs = rankedDocuments(a.searchResults);
  console.log(`  documents: ${docs.slice(0, 5).join(", ")}`);
  console.log(
    `  scores: ${a.searchResults
      .slice(0, 5)
      .map((r) => r.score.toFixed(3))
      .join(" ")}`,
  );
  console.log(
    `  answer (fcs ${a.factualConsistencyScore ?? "—"}):\n${a.answer.replace(/^/gm, "    ")}`,
  );
}
engine.close();
