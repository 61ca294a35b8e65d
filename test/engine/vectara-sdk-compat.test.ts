import { type ApiV2, streamQueryV2 } from "@vectara/stream-query-client";
import { afterEach, describe, expect, it } from "vitest";
import { makeEngine } from "../support/engine";
import { serveEngine } from "../support/serve-engine";

// Vectara's own streaming client (@vectara/stream-query-client, used by Vectara's React
// widgets), pointed at the local engine over real HTTP: the engine must be a drop-in.

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

async function setup() {
  const fixture = makeEngine();
  const { client } = fixture;
  await client.corpora.create({ key: "support_kb" });
  await client.documents.create("support_kb", {
    type: "core",
    id: "password-reset",
    metadata: { title: "Resetting your password" },
    document_parts: [
      { text: "To reset your password, open the sign-in page and choose Forgot password." },
      { text: "Reset links expire after 30 minutes." },
    ],
  });
  await client.documents.create("support_kb", {
    type: "core",
    id: "invoices",
    metadata: { title: "Invoices" },
    document_parts: [{ text: "Invoices are emailed on the first day of each month." }],
  });
  const server = await serveEngine(fixture.engine);
  closers.push(server.close);
  return { ...fixture, url: server.url };
}

function run(config: ApiV2.StreamQueryConfig): Promise<ApiV2.StreamEvent[]> {
  return new Promise((resolve, reject) => {
    const events: ApiV2.StreamEvent[] = [];
    streamQueryV2({
      streamQueryConfig: config,
      onStreamEvent: (event) => {
        events.push(event);
        if (event.type === "end") resolve(events);
        if (
          event.type === "requestError" ||
          event.type === "genericError" ||
          event.type === "unexpectedError"
        ) {
          reject(new Error(`stream client reported ${event.type}: ${JSON.stringify(event)}`));
        }
      },
    }).catch(reject);
  });
}

describe("Vectara's stream-query-client against the local engine", () => {
  it("streams search results for a query, the way Vectara's widgets send it", async () => {
    const { url, engine } = await setup();
    const events = await run({
      customerId: "local",
      apiKey: engine.apiKey,
      domain: url,
      corpusKey: "support_kb",
      query: "How do I reset my password?",
      search: {
        metadataFilter: "",
        lexicalInterpolation: 0.005,
        offset: 0,
        limit: 10,
        contextConfiguration: {
          sentencesBefore: 2,
          sentencesAfter: 2,
          startTag: "%START_SNIPPET%",
          endTag: "%END_SNIPPET%",
        },
        reranker: { type: "customer_reranker", rerankerId: "rnk_272725719" },
      },
    });
    expect(events.map((e) => e.type)).toEqual(["searchResults", "end"]);
    const results = (events[0] as ApiV2.SearchResultsEvent).searchResults;
    expect(results[0]?.document_id).toBe("password-reset");
    expect(results[0]?.text).toContain("%START_SNIPPET%");
  });

  it("reports the engine's error for a bad filter", async () => {
    const { url, engine } = await setup();
    const events: ApiV2.StreamEvent[] = [];
    await new Promise<void>((resolve, reject) => {
      streamQueryV2({
        streamQueryConfig: {
          customerId: "local",
          apiKey: engine.apiKey,
          domain: url,
          corpusKey: "support_kb",
          query: "password",
          search: { metadataFilter: "category = 'x'", offset: 0 },
        },
        onStreamEvent: (event) => {
          events.push(event);
          resolve();
        },
      }).catch(reject);
    });
    // The engine rejects the filter before streaming, with a 400 JSON body (notes §3.3);
    // the stream client surfaces that as an error event rather than results.
    expect(["requestError", "genericError"]).toContain(events[0]?.type);
    expect(events.some((e) => e.type === "searchResults")).toBe(false);
  });

  it("holds a streamed chat and a follow-up turn, as Vectara's chat widget does", async () => {
    const { url, engine } = await setup();
    const base = {
      customerId: "local",
      apiKey: engine.apiKey,
      domain: url,
      corpusKey: "support_kb",
      search: { metadataFilter: "", offset: 0, limit: 5 },
      generation: { maxUsedSearchResults: 5, enableFactualConsistencyScore: true },
    };
    const first = await run({
      ...base,
      query: "How do I reset my password?",
      chat: { store: true },
    });
    const types = first.map((e) => e.type);
    expect(types[0]).toBe("searchResults");
    expect(types).toContain("chatInfo");
    expect(types).toContain("generationChunk");
    expect(types).toContain("factualConsistencyScore");
    expect(types.at(-1)).toBe("end");
    const info = first.find((e) => e.type === "chatInfo") as ApiV2.ChatInfoEvent;
    const chunks = first.filter(
      (e) => e.type === "generationChunk",
    ) as ApiV2.GenerationChunkEvent[];
    expect(chunks.at(-1)?.updatedText).toContain("Forgot password");

    const followUp = await run({
      ...base,
      query: "How long does that link last?",
      chat: { store: true, conversationId: info.chatId },
    });
    const followInfo = followUp.find((e) => e.type === "chatInfo") as ApiV2.ChatInfoEvent;
    expect(followInfo.chatId).toBe(info.chatId);
    expect(followInfo.turnId).not.toBe(info.turnId);
    const answer = (
      followUp.filter((e) => e.type === "generationChunk") as ApiV2.GenerationChunkEvent[]
    ).at(-1);
    expect(answer?.updatedText).toContain("30 minutes");
  });
});
