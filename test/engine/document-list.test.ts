import { describe, expect, it } from "vitest";
import type { Engine } from "@/lib/engine";
import type { Document, VectaraClient } from "@/lib/vectara";
import { makeEngine } from "../support/engine";

/** A raw listing request: the typed client would refuse a bad `sort`. */
async function rawList(engine: Engine, query: string) {
  const response = await engine.handle(
    new Request(`http://x/v2/corpora/kb/documents?${query}`, {
      headers: { "x-api-key": engine.apiKey },
    }),
  );
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function setup() {
  const fixture = makeEngine();
  await fixture.client.corpora.create({
    key: "kb",
    filter_attributes: [{ name: "category", level: "document", type: "text" }],
  });
  return fixture;
}

/** Creates documents in this order; returns what each create answered. */
async function create(client: VectaraClient, docs: { id: string; title?: string; text: string }[]) {
  const out: Document[] = [];
  for (const d of docs) {
    out.push(
      await client.documents.create("kb", {
        type: "core",
        id: d.id,
        metadata: { ...(d.title ? { title: d.title } : {}), category: "c" },
        document_parts: [{ text: d.text, context: "ctx ✓" }],
      }),
    );
  }
  return out;
}

/** Every id of a listing, following its page keys. */
async function allIds(
  client: VectaraClient,
  params: Parameters<VectaraClient["documents"]["list"]>[1],
) {
  const ids: string[] = [];
  for await (const d of await client.documents.list("kb", params)) ids.push(d.id);
  return ids;
}

const DOCS = [
  { id: "b-doc", title: "zebra care", text: "one" },
  { id: "a-doc", title: "Apple pie", text: "two two" },
  { id: "c-doc", text: "three three three" },
  { id: "d-doc", title: "mango", text: "four" },
];

describe("listing documents in an order (sort, not Vectara's)", () => {
  it("lists by id by default, newest indexed first, or by title, across pages", async () => {
    const { client } = await setup();
    await create(client, DOCS);
    for (const limit of [1, 2, 10]) {
      expect(await allIds(client, { limit })).toEqual(["a-doc", "b-doc", "c-doc", "d-doc"]);
      expect(await allIds(client, { limit, sort: "id" })).toEqual([
        "a-doc",
        "b-doc",
        "c-doc",
        "d-doc",
      ]);
      expect(await allIds(client, { limit, sort: "newest" })).toEqual([
        "d-doc",
        "c-doc",
        "a-doc",
        "b-doc",
      ]);
      // Case-insensitive; a document without a title sorts by its id ("c-doc").
      expect(await allIds(client, { limit, sort: "title" })).toEqual([
        "a-doc",
        "c-doc",
        "d-doc",
        "b-doc",
      ]);
    }
  });

  it("puts a re-indexed document first again, and keeps the order under a filter", async () => {
    const { client } = await setup();
    await create(client, DOCS);
    await client.documents.delete("kb", "b-doc");
    await create(client, [{ id: "b-doc", title: "zebra care", text: "again" }]);
    expect((await allIds(client, { sort: "newest", limit: 2 }))[0]).toBe("b-doc");
    expect(
      await allIds(client, { sort: "newest", limit: 1, metadata_filter: "doc.category = 'c'" }),
    ).toEqual(["b-doc", "d-doc", "c-doc", "a-doc"]);
  });

  it("gives each list item the storage usage its create answered, and when it was indexed", async () => {
    const { client } = await setup();
    const created = await create(client, DOCS);
    const listed = (await client.documents.list("kb", { sort: "newest" })).items;
    for (const doc of created) {
      const item = listed.find((d) => d.id === doc.id);
      expect(item?.storage).toEqual(doc.storage);
      expect(item?.storage?.bytesUsed).toBeGreaterThan(0);
      expect(Number.isNaN(Date.parse(item?.createdAt ?? ""))).toBe(false);
    }
    // Bytes, not characters: "✓" is three bytes of UTF-8.
    const c = listed.find((d) => d.id === "c-doc");
    expect(c?.storage?.bytesUsed).toBe("three three three".length + "ctx ✓".length + 2);
  });

  it("refuses a page key of another order, and an unknown order, with a 400", async () => {
    const { client, engine } = await setup();
    await create(client, DOCS);
    const byId = await rawList(engine, "limit=1");
    const key = (byId.body.metadata as { page_key: string }).page_key;
    for (const sort of ["newest", "title"]) {
      const wrong = await rawList(engine, `limit=1&sort=${sort}&page_key=${key}`);
      expect(wrong.status).toBe(400);
    }
    const newest = await rawList(engine, "limit=1&sort=newest");
    const newestKey = (newest.body.metadata as { page_key: string }).page_key;
    expect((await rawList(engine, `limit=1&page_key=${newestKey}`)).status).toBe(400);
    expect((await rawList(engine, "sort=oldest")).status).toBe(400);
  });
});
