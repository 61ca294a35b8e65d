import { describe, expect, it, vi } from "vitest";
import { createVectaraClient } from "@/lib/vectara";
import { makeEngine } from "../support/engine";

vi.mock("server-only", () => ({}));
const { listCorpusDocuments, textBytesOfParts, uploadCorpusFile } = await import(
  "@/lib/admin/corpus"
);

const corpusKey = "admin_kb";

/**
 * The engine, and a client that sees it as Vectara does: list items without
 * `storage_usage` or `created_at`, and no `sort` (Vectara's listing takes none).
 */
async function setup({ failGet = false } = {}) {
  const { client, engine } = makeEngine();
  await client.corpora.create({ key: corpusKey });
  for (const [id, text] of [
    ["b", "Beacon sends alerts — über fast."],
    ["a", "Short."],
  ]) {
    await client.documents.create(corpusKey, {
      type: "core",
      id: id as string,
      metadata: { title: `Doc ${id}` },
      document_parts: [{ text: text as string }, { text: "Second part.", context: "Intro" }],
    });
  }
  const asked: string[] = [];
  const vectaraLike = createVectaraClient({
    baseUrl: "http://parley.local",
    auth: { type: "api_key", apiKey: engine.apiKey },
    maxRetries: 0,
    fetch: async (request) => {
      const url = new URL(request.url);
      asked.push(`${request.method} ${url.pathname}${url.search}`);
      if (failGet && /\/documents\/./.test(url.pathname)) {
        return new Response(JSON.stringify({ messages: ["down"] }), { status: 503 });
      }
      const response = await engine.handle(request);
      if (!url.pathname.endsWith("/documents")) return response;
      const body = (await response.json()) as { documents: Record<string, unknown>[] };
      for (const d of body.documents) {
        delete d.storage_usage;
        delete d.created_at;
      }
      return Response.json(body);
    },
  });
  return { client, vectaraLike, asked };
}

describe("listCorpusDocuments", () => {
  it("lists the engine's sizes and times, newest first by default", async () => {
    const { client } = await setup();
    const page = await listCorpusDocuments({ client, corpusKey, sortable: true });
    expect(page.order).toBe("newest");
    expect(page.documents.map((d) => d.id)).toEqual(["a", "b"]);
    const created = (await client.documents.list(corpusKey, {})).items;
    for (const d of page.documents) {
      expect(d.bytes).toBe(created.find((c) => c.id === d.id)?.storage?.bytesUsed);
      expect(d.indexedAt).toBeDefined();
    }
    const byTitle = await listCorpusDocuments({ client, corpusKey, sortable: true, sort: "title" });
    expect(byTitle.documents.map((d) => d.id)).toEqual(["a", "b"]);
    const byId = await listCorpusDocuments({ client, corpusKey, sortable: true, sort: "id" });
    expect(byId.documents.map((d) => d.id)).toEqual(["a", "b"]);
  });

  it("against Vectara: sends no sort, and sums each document's parts for its size", async () => {
    const { client, vectaraLike, asked } = await setup();
    const page = await listCorpusDocuments({
      client: vectaraLike,
      corpusKey,
      sortable: false,
      sort: "newest",
    });
    expect(page.order).toBe("vectara");
    expect(asked[0]).not.toContain("sort=");
    // The same measure the engine reports as bytes_used.
    const engineSizes = new Map(
      (await client.documents.list(corpusKey, {})).items.map((d) => [d.id, d.storage?.bytesUsed]),
    );
    expect(page.documents.map((d) => [d.id, d.bytes])).toEqual([
      ["a", engineSizes.get("a")],
      ["b", engineSizes.get("b")],
    ]);
    expect(page.documents.every((d) => d.indexedAt === undefined)).toBe(true);
  });

  it("shows no size, rather than failing, when a document cannot be read", async () => {
    const { vectaraLike } = await setup({ failGet: true });
    const errors = vi.spyOn(console, "error").mockImplementation(() => undefined);
    try {
      const page = await listCorpusDocuments({ client: vectaraLike, corpusKey, sortable: false });
      expect(page.documents.map((d) => [d.id, d.bytes])).toEqual([
        ["a", undefined],
        ["b", undefined],
      ]);
    } finally {
      errors.mockRestore();
    }
  });
});

describe("uploadCorpusFile", () => {
  it("answers with the document as the list shows it, so the list can show it at once", async () => {
    const { client } = await setup();
    const file = new File([`---\ntitle: "Walrus"\ncategory: zoo\n---\n\nWalruses nap.\n`], "w.md", {
      type: "text/markdown",
    });
    const result = await uploadCorpusFile({ client, corpusKey, file });
    const listed = (await listCorpusDocuments({ client, corpusKey, sortable: true })).documents[0];
    expect(listed?.id).toBe("uploads/w.md");
    expect(result.document).toEqual({ ...listed, indexedAt: undefined });
    expect(result.document.bytes).toBeGreaterThan(0);
  });
});

describe("textBytesOfParts", () => {
  it("counts UTF-8 bytes of text and context", () => {
    expect(textBytesOfParts([])).toBe(0);
    expect(textBytesOfParts([{ text: "abc" }, { text: "é", context: "✓" }])).toBe(3 + 2 + 3);
  });
});
