import { expect, test } from "@playwright/test";
import {
  BadRequestError,
  type ChatStreamEvent,
  ForbiddenError,
  NotFoundError,
} from "../lib/vectara";
import { E2E_API_KEY } from "./support/keys";
import { createKey, localClient, uniqueKey } from "./support/local-api";

// The embedded engine's chat API over real HTTP against the running app, through the
// typed client the app uses, answered by the default generator. Chats are global, so
// each test scopes its listings with a unique word or its own chat ids.

async function seed(baseURL: string) {
  const client = localClient(baseURL);
  const key = uniqueKey("e2e_chat");
  await client.corpora.create({ key });
  const docs: Array<[string, string]> = [
    [
      "reset-password",
      "To reset your password, open Settings, choose Security and click Reset password. The emailed link expires after one hour.",
    ],
    ["invoices", "Invoices are sent monthly. Download past invoices as PDF from the Billing page."],
    ["espresso", "The office café serves espresso and croissants every morning."],
  ];
  for (const [id, text] of docs) {
    await client.documents.create(key, { type: "core", id, document_parts: [{ text }] });
  }
  return { client, key };
}

async function collect(stream: AsyncIterable<ChatStreamEvent>) {
  const events: ChatStreamEvent[] = [];
  for await (const e of stream) events.push(e);
  return events;
}

test.describe("local /v2 API: chats", () => {
  test("creates, streams a follow-up, lists, disables and deletes", async ({ baseURL }) => {
    const { client, key } = await seed(baseURL as string);
    const search = { corpora: [{ corpus_key: key }], limit: 3 };
    const marker = uniqueKey("zz");
    const first = await client.chats.create({
      query: `How do I reset my password? (${marker})`,
      search,
    });
    const chatId = first.chatId as string;
    expect(chatId).toMatch(/^cht_/);
    expect(first.searchResults[0]?.documentId).toBe("reset-password");
    expect(first.answer.length).toBeGreaterThan(20);

    const events = await collect(
      await client.turns.createStream(chatId, { query: "How long is it valid?", search }),
    );
    const types = events.map((e) => e.type).filter((t, i, all) => t !== all[i - 1]);
    expect(types.slice(0, 3)).toEqual(["search_results", "chat_info", "generation_chunk"]);
    expect(types.at(-1)).toBe("end");
    const results = events.find((e) => e.type === "search_results");
    expect(results?.type === "search_results" && results.searchResults[0]?.documentId).toBe(
      "reset-password",
    );

    const listed = await client.chats.list({ filter: marker });
    expect(listed.items.map((c) => c.id)).toEqual([chatId]);
    expect((await client.chats.list({ chat_ids: [chatId] })).items).toHaveLength(1);

    const turns = (await client.turns.list(chatId)).items;
    expect(turns).toHaveLength(2);
    await client.turns.update(chatId, turns[1]?.id as string, { enabled: false });
    expect((await client.turns.get(chatId, turns[1]?.id as string)).enabled).toBe(false);
    await expect(
      client.turns.update(chatId, turns[1]?.id as string, { enabled: true }),
    ).rejects.toBeInstanceOf(BadRequestError);

    await client.chats.delete(chatId);
    await expect(client.chats.get(chatId)).rejects.toBeInstanceOf(NotFoundError);
  });

  test("answers 400, 403 and 404 in Vectara's error shape", async ({ baseURL, request }) => {
    const { key } = await seed(baseURL as string);
    const tooLong = await request.post("/v2/chats", {
      headers: { "x-api-key": E2E_API_KEY },
      data: { query: "x".repeat(5001), search: { corpora: [{ corpus_key: key }] } },
    });
    expect(tooLong.status()).toBe(400);
    expect(Object.keys((await tooLong.json()).field_errors)).toEqual(["body.query"]);
    const noCorpora = await request.post("/v2/chats", {
      headers: { "x-api-key": E2E_API_KEY },
      data: { query: "hi", search: {} },
    });
    expect(Object.keys((await noCorpora.json()).field_errors)).toEqual(["body.search.corpora"]);

    // A query key chats, as with Vectara (notes §10.9), but may not delete what it said.
    const queryKey = await createKey(baseURL as string, "serving", [key]);
    const widget = localClient(baseURL as string, queryKey);
    const started = await widget.chats.create({
      query: "hi",
      search: { corpora: [{ corpus_key: key }] },
    });
    expect(started.chatId).toMatch(/^cht_/);
    await expect(widget.chats.delete(started.chatId as string)).rejects.toBeInstanceOf(
      ForbiddenError,
    );
    const missing = await request.get("/v2/chats/cht_nonexistent_000000000000", {
      headers: { "x-api-key": E2E_API_KEY },
    });
    expect(missing.status()).toBe(404);
    expect((await missing.json()).id).toBe("cht_nonexistent_000000000000");
  });
});
