import type { UIMessageStreamWriter } from "ai";
import { afterEach, describe, expect, it, vi } from "vitest";
import { citedIndexes } from "@/lib/chat/cited";
import type { ChatMessage } from "@/lib/chat/messages";
import { AbortError, type ChatStreamEvent, type SearchResult, StreamError } from "@/lib/vectara";
import { makeEngine } from "../support/engine";
import { captureLog } from "../support/log";
import { seedSmallKb } from "../support/small-kb";

vi.mock("server-only", () => ({}));
const { openAnswerStream, writeAnswer } = await import("@/lib/chat/answer");

type Chunk = Parameters<UIMessageStreamWriter<ChatMessage>["write"]>[0];

function fakeWriter() {
  const chunks: Chunk[] = [];
  const writer = {
    write(chunk: Chunk) {
      chunks.push(chunk);
    },
    merge() {},
    onError: undefined,
  } as unknown as UIMessageStreamWriter<ChatMessage>;
  return { chunks, writer };
}

async function* stream(
  events: ChatStreamEvent[],
  fail?: { after: number; error: unknown },
): AsyncIterable<ChatStreamEvent> {
  for (const [i, event] of events.entries()) {
    if (fail && i === fail.after) throw fail.error;
    yield event;
  }
  if (fail && fail.after >= events.length) throw fail.error;
}

const searchResult = (documentId: string, title: string, text: string): SearchResult => ({
  text,
  score: 0.9,
  documentId,
  partMetadata: {},
  documentMetadata: { title, url: "https://help.example/x" },
  requestCorporaIndex: 0,
});

const RESULTS = [
  searchResult(
    "billing/refunds.md",
    "Refunds",
    "Intro. %START_SNIPPET%Refunds in 30 days.%END_SNIPPET% More.",
  ),
  searchResult("billing/invoices.md", "Invoices", "Invoices are monthly."),
];

const HEAD: ChatStreamEvent[] = [
  { type: "search_results", searchResults: RESULTS, rewrittenQueries: [] },
  { type: "chat_info", chatId: "cht_1", turnId: "trn_1" },
];
const GENERATION: ChatStreamEvent[] = [
  { type: "generation_chunk", text: "Refunds take " },
  { type: "generation_chunk", text: "" },
  { type: "generation_chunk", text: "30 days [1]." },
  { type: "generation_info", rephrasedQuery: "refund time" },
  { type: "generation_end" },
  { type: "factual_consistency_score", score: 0.82 },
  { type: "end" },
];

const types = (chunks: Chunk[]) => chunks.map((c) => c.type);

afterEach(() => vi.restoreAllMocks());

describe("writeAnswer", () => {
  it("turns a whole answer into UI message parts, in order", async () => {
    const { chunks, writer } = fakeWriter();
    const record = await writeAnswer({ events: stream([...HEAD, ...GENERATION]), writer });

    expect(types(chunks)).toEqual([
      "start",
      "data-citations",
      "data-chat-info",
      "message-metadata",
      "text-start",
      "text-delta",
      "text-delta",
      "data-turn-info",
      "data-fcs",
      "text-end",
      "message-metadata",
      "finish",
    ]);
    const citations = chunks.find((c) => c.type === "data-citations");
    expect(citations).toMatchObject({
      data: [
        {
          index: 1,
          documentId: "billing/refunds.md",
          title: "Refunds",
          url: "https://help.example/x",
          snippet: { before: "Intro. ", match: "Refunds in 30 days.", after: " More." },
        },
        { index: 2, title: "Invoices", snippet: { match: "Invoices are monthly." } },
      ],
    });
    expect(chunks.find((c) => c.type === "data-chat-info")).toMatchObject({
      data: { chatId: "cht_1", turnId: "trn_1" },
    });
    expect(chunks.filter((c) => c.type === "message-metadata")).toEqual([
      { type: "message-metadata", messageMetadata: { chatId: "cht_1", turnId: "trn_1" } },
      { type: "message-metadata", messageMetadata: { status: "complete" } },
    ]);
    // Empty chunks are skipped: two deltas, not three, and all on one text part.
    const deltas = chunks.filter((c) => c.type === "text-delta");
    expect(deltas).toEqual([
      { type: "text-delta", id: "answer", delta: "Refunds take " },
      { type: "text-delta", id: "answer", delta: "30 days [1]." },
    ]);
    expect(chunks.filter((c) => c.type === "text-start")).toEqual([
      { type: "text-start", id: "answer" },
    ]);
    expect(chunks.find((c) => c.type === "data-turn-info")).toMatchObject({
      data: { rephrasedQuery: "refund time" },
    });
    expect(chunks.find((c) => c.type === "data-fcs")).toMatchObject({ data: { score: 0.82 } });

    expect(record).toMatchObject({
      chatId: "cht_1",
      turnId: "trn_1",
      answer: "Refunds take 30 days [1].",
      fcs: 0.82,
      rephrasedQuery: "refund time",
      status: "complete",
    });
    expect(record.citations.map((c) => c.title)).toEqual(["Refunds", "Invoices"]);
    expect(record.error).toBeUndefined();
  });

  it("writes no text part when the answer is empty", async () => {
    const { chunks, writer } = fakeWriter();
    const record = await writeAnswer({
      events: stream([...HEAD, { type: "generation_chunk", text: "" }, { type: "end" }]),
      writer,
    });
    expect(types(chunks)).not.toContain("text-start");
    expect(types(chunks)).not.toContain("text-end");
    expect(types(chunks).at(-1)).toBe("finish");
    expect(record).toMatchObject({ answer: "", status: "complete" });
  });

  it("ignores a chat_info without ids", async () => {
    const { chunks, writer } = fakeWriter();
    const record = await writeAnswer({
      events: stream([{ type: "chat_info" }, { type: "generation_chunk", text: "Hi" }]),
      writer,
    });
    expect(types(chunks)).not.toContain("data-chat-info");
    expect(record.chatId).toBeUndefined();
  });

  it("keeps the partial answer and reports an interrupted answer when the stream fails", async () => {
    vi.spyOn(console, "warn").mockImplementation(() => undefined);
    const { chunks, writer } = fakeWriter();
    const events = [
      ...HEAD,
      { type: "generation_chunk", text: "Refunds take " },
      { type: "generation_chunk", text: "30 days" },
      { type: "generation_chunk", text: " never seen" },
    ] satisfies ChatStreamEvent[];
    const record = await writeAnswer({
      events: stream(events, { after: 4, error: new StreamError(["secret_corpus exploded"]) }),
      writer,
    });

    expect(record.status).toBe("error");
    expect(record.answer).toBe("Refunds take 30 days");
    expect(record.chatId).toBe("cht_1");
    expect(record.error?.code).toBe("stream:chat");
    expect(types(chunks).slice(-5)).toEqual([
      "text-delta",
      "text-end",
      "data-error",
      "message-metadata",
      "error",
    ]);
    expect(types(chunks)).not.toContain("finish");
    expect(chunks.find((c) => c.type === "data-error")).toMatchObject({
      data: { code: "stream:chat", retryable: true },
    });
    expect(chunks.find((c) => c.type === "message-metadata" && c.messageMetadata?.status)).toEqual({
      type: "message-metadata",
      messageMetadata: { status: "error" },
    });
    const errorChunk = chunks.find((c) => c.type === "error");
    expect(errorChunk).toMatchObject({ errorText: expect.stringMatching(/interrupted/) });
    expect(JSON.stringify(chunks)).not.toContain("secret_corpus");
  });

  it("writes no text-end when the stream fails before any text", async () => {
    vi.spyOn(console, "warn").mockImplementation(() => undefined);
    const { chunks, writer } = fakeWriter();
    const record = await writeAnswer({
      events: stream(HEAD, { after: 2, error: new Error("boom") }),
      writer,
    });
    expect(record.status).toBe("error");
    expect(record.error?.code).toBe("internal:chat");
    expect(types(chunks)).toEqual([
      "start",
      "data-citations",
      "data-chat-info",
      "message-metadata",
      "data-error",
      "message-metadata",
      "error",
    ]);
  });

  it("stops quietly when the visitor aborts: status stopped and no error parts", async () => {
    const log = captureLog();
    const controller = new AbortController();
    controller.abort();
    const { chunks, writer } = fakeWriter();
    const claimed: string[] = [];
    const record = await writeAnswer({
      events: stream([...HEAD, { type: "generation_chunk", text: "Refunds" }], {
        after: 3,
        error: new AbortError(),
      }),
      writer,
      signal: controller.signal,
      onChatInfo: async ({ turnId }) => {
        claimed.push(turnId);
      },
    });
    expect(record.status).toBe("stopped");
    // Stopped before a word was sent: the question is still claimed, with no answer.
    expect(claimed).toEqual(["trn_1"]);
    expect(record).toMatchObject({ chatId: "cht_1", turnId: "trn_1", answer: "" });
    expect(record.error).toBeUndefined();
    expect(types(chunks)).not.toContain("text-delta");
    expect(types(chunks)).not.toContain("error");
    expect(types(chunks)).not.toContain("data-error");
    expect(types(chunks)).not.toContain("finish");
    expect(log.problems()).toEqual([]);
  });

  it("keeps exactly the text sent before Stop, ends Vectara's stream and drops the score", async () => {
    const controller = new AbortController();
    const upstream = new AbortController();
    const { chunks, writer } = fakeWriter();
    async function* events(): AsyncIterable<ChatStreamEvent> {
      yield* HEAD;
      yield { type: "generation_chunk", text: "Refunds take " };
      // The visitor presses Stop while the next words are on their way.
      controller.abort();
      if (upstream.signal.aborted) throw new AbortError();
      yield { type: "generation_chunk", text: "30 days [1]." };
      yield { type: "factual_consistency_score", score: 0.9 };
    }
    const record = await writeAnswer({
      events: events(),
      writer,
      signal: controller.signal,
      stopUpstream: () => upstream.abort(),
    });
    expect(upstream.signal.aborted).toBe(true);
    expect(record).toMatchObject({ status: "stopped", answer: "Refunds take " });
    expect(record.fcs).toBeUndefined();
    expect(chunks.filter((c) => c.type === "text-delta")).toEqual([
      { type: "text-delta", id: "answer", delta: "Refunds take " },
    ]);
  });

  it("waits for the chat's ids when stopped before them, then claims the question as stopped", async () => {
    const controller = new AbortController();
    const order: string[] = [];
    async function* events(): AsyncIterable<ChatStreamEvent> {
      controller.abort();
      order.push("aborted");
      yield* HEAD;
      yield { type: "generation_chunk", text: "Refunds take 30 days [1]." };
      order.push("generated after the claim");
    }
    const { chunks, writer } = fakeWriter();
    const record = await writeAnswer({
      events: events(),
      writer,
      signal: controller.signal,
      stopUpstream: () => order.push("upstream stopped"),
      onChatInfo: async () => {
        order.push("claimed");
      },
    });
    expect(order).toEqual(["aborted", "claimed", "upstream stopped"]);
    expect(record).toMatchObject({ status: "stopped", chatId: "cht_1", answer: "" });
    // Nothing reaches a visitor who has gone: not the results, not the ids.
    expect(types(chunks)).toEqual(["start"]);
  });

  it("paces the text in word groups and reassembles it exactly", async () => {
    const { chunks, writer } = fakeWriter();
    const waits: number[] = [];
    const text = "Refunds take up to thirty days [1], and store credit\nis instant.";
    const record = await writeAnswer({
      events: stream([...HEAD, { type: "generation_chunk", text }, { type: "end" }]),
      writer,
      pacer: {
        async wait(words) {
          waits.push(words);
        },
      },
    });
    const deltas = chunks.flatMap((c) => (c.type === "text-delta" ? [c.delta] : []));
    expect(deltas.join("")).toBe(text);
    expect(record.answer).toBe(text);
    expect(deltas.length).toBe(Math.ceil(text.split(/\s+/).length / 3));
    expect(waits.length).toBe(deltas.length);
  });

  it("reports an AbortError as an error when the visitor did not abort", async () => {
    vi.spyOn(console, "warn").mockImplementation(() => undefined);
    const { chunks, writer } = fakeWriter();
    const record = await writeAnswer({
      events: stream(HEAD, { after: 2, error: new AbortError() }),
      writer,
      signal: new AbortController().signal,
    });
    expect(record.status).toBe("error");
    expect(types(chunks)).toContain("data-error");
  });
});

describe("writeAnswer over the engine's real stream", () => {
  async function seeded() {
    const { client } = makeEngine();
    await seedSmallKb(client);
    return client;
  }

  it("streams a cited answer and continues the chat on a second turn", async () => {
    const client = await seeded();
    const { chunks, writer } = fakeWriter();
    const events = await openAnswerStream({
      client,
      query: "How long do I have to get a refund on a yearly plan?",
      corpusKey: "support_kb",
      signal: new AbortController().signal,
    });
    const record = await writeAnswer({ events, writer });

    expect(record.status).toBe("complete");
    expect(record.chatId).toMatch(/^cht_/);
    expect(record.turnId).toMatch(/^trn_/);
    expect(record.citations.length).toBeGreaterThan(0);
    for (const citation of record.citations) {
      expect(["Refund policy", "Inviting teammates"]).toContain(citation.title);
      expect(citation.snippet.match.length).toBeGreaterThan(0);
      expect(JSON.stringify(citation.snippet)).not.toContain("SNIPPET%");
    }
    expect(record.citations[0]?.title).toBe("Refund policy");
    expect(record.citations[0]?.url).toBe("https://help.example/refunds");
    const deltas = chunks.flatMap((c) => (c.type === "text-delta" ? [c.delta] : []));
    expect(deltas.join("")).toBe(record.answer);
    expect(record.answer).toMatch(/30 days/);
    expect(citedIndexes(record.answer)).toContain(1);
    expect(record.fcs).toBeGreaterThanOrEqual(0);
    expect(record.fcs).toBeLessThanOrEqual(1);
    expect(types(chunks)[0]).toBe("start");
    expect(types(chunks).at(-1)).toBe("finish");

    const second = fakeWriter();
    const next = await writeAnswer({
      events: await openAnswerStream({
        client,
        chatId: record.chatId,
        query: "How do I invite a teammate?",
        corpusKey: "support_kb",
        signal: new AbortController().signal,
      }),
      writer: second.writer,
    });
    expect(next.status).toBe("complete");
    expect(next.chatId).toBe(record.chatId);
    expect(next.turnId).toMatch(/^trn_/);
    expect(next.turnId).not.toBe(record.turnId);
    expect(next.answer).toMatch(/Members/);
    const turns = [];
    for await (const t of await client.turns.list(record.chatId as string)) turns.push(t);
    expect(turns.map((t) => t.id)).toEqual([record.turnId, next.turnId]);
  });

  it("throws before streaming when the chat does not exist", async () => {
    const client = await seeded();
    await expect(
      openAnswerStream({
        client,
        chatId: "cht_missing",
        query: "refund",
        corpusKey: "support_kb",
        signal: new AbortController().signal,
      }),
    ).rejects.toMatchObject({ name: "NotFoundError" });
  });
});
