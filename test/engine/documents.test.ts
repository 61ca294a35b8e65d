import { describe, expect, it } from "vitest";
import type { Engine } from "@/lib/engine";
import { type APIError, ConflictError, ForbiddenError, NotFoundError } from "@/lib/vectara";
import { makeEngine } from "../support/engine";

/** A raw request, for what the typed client refuses to send (it validates first). */
async function raw(engine: Engine, method: string, path: string, body?: unknown) {
  const response = await engine.handle(
    new Request(`http://x${path}`, {
      method,
      headers: { "x-api-key": engine.apiKey, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    }),
  );
  const text = await response.text();
  return {
    status: response.status,
    body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
  };
}

async function rejection(promise: Promise<unknown>): Promise<APIError> {
  try {
    await promise;
  } catch (error) {
    return error as APIError;
  }
  throw new Error("expected the request to fail");
}

/** Part ids the word index finds for an FTS5 query. */
const ftsHits = (engine: Engine, match: string) =>
  engine.db.prepare("SELECT rowid FROM parts_fts WHERE parts_fts MATCH ?").pluck().all(match);

async function setup() {
  const fixture = makeEngine();
  await fixture.client.corpora.create({
    key: "kb",
    filter_attributes: [{ name: "category", level: "document", type: "text" }],
  });
  return fixture;
}

describe("documents", () => {
  it("creates a core document: one part per document part, with platform metadata", async () => {
    const { client, engine } = await setup();
    const created = await raw(engine, "POST", "/v2/corpora/kb/documents", {
      type: "core",
      id: "faq-1",
      metadata: { title: "Refund FAQ", category: "billing" },
      document_parts: [
        { text: "Refunds take five days. Ask support.", metadata: { tier: 1 }, context: "FAQ" },
        { text: "Gift cards are final.", custom_dimensions: { importance: 2 } },
      ],
    });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id: "faq-1",
      metadata: { title: "Refund FAQ", category: "billing" },
      storage_usage: { bytes_used: expect.any(Number), metadata_bytes_used: expect.any(Number) },
    });

    const doc = await client.documents.get("kb", "faq-1");
    expect(doc.metadata).toEqual({ title: "Refund FAQ", category: "billing" });
    expect(doc.parts).toEqual([
      {
        text: "Refunds take five days. Ask support.",
        metadata: { tier: 1, lang: "eng", offset: 0, len: 36 },
        context: "FAQ",
      },
      { text: "Gift cards are final.", metadata: { lang: "eng", offset: 37, len: 21 } },
    ]);
    const wire = await raw(engine, "GET", "/v2/corpora/kb/documents/faq-1");
    expect((wire.body.parts as unknown[])[1]).toMatchObject({
      custom_dimensions: { importance: 2 },
    });
    // Indexed: the word index finds the part, and the title column holds the title.
    expect(ftsHits(engine, "text:refunds")).toHaveLength(1);
    expect(ftsHits(engine, "title:refund")).toHaveLength(2);
  });

  it("creates a structured document with title and section parts, sentence-chunked", async () => {
    const { client } = await setup();
    await client.documents.create("kb", {
      type: "structured",
      id: "guide",
      title: "Billing guide",
      metadata: { category: "billing" },
      sections: [
        {
          id: 1,
          title: "Payments",
          text: "You pay monthly. Invoices arrive by e-mail, e.g. on the 1st.",
          metadata: { area: "payments" },
          sections: [{ id: 2, title: "Refunds", text: "Refunds take 3.5 days on average." }],
        },
      ],
    });
    const doc = await client.documents.get("kb", "guide");
    expect(doc.metadata).toEqual({ category: "billing", title: "Billing guide" });
    expect(
      doc.parts.map((p) => [p.text, p.metadata.is_title ?? false, p.metadata.section]),
    ).toEqual([
      ["Billing guide", true, undefined],
      ["Payments", true, 1],
      ["You pay monthly.", false, 1],
      ["Invoices arrive by e-mail, e.g. on the 1st.", false, 1],
      ["Refunds", true, 2],
      ["Refunds take 3.5 days on average.", false, 2],
    ]);
    expect(doc.parts[5]?.metadata).toMatchObject({ area: "payments", lang: "eng", len: 33 });
  });

  it("packs sentences under max_chars_chunking_strategy", async () => {
    const { client } = await setup();
    const text = Array.from({ length: 12 }, (_, i) => `Sentence number ${i} is here.`).join(" ");
    await client.documents.create("kb", {
      type: "structured",
      id: "packed",
      sections: [{ text }],
      chunking_strategy: { type: "max_chars_chunking_strategy", max_chars_per_chunk: 120 },
    });
    const { parts } = await client.documents.get("kb", "packed");
    expect(parts.length).toBeGreaterThan(1);
    expect(parts.length).toBeLessThan(12);
    for (const p of parts) {
      expect(p.text.length).toBeLessThanOrEqual(120);
      expect(p.text).toMatch(/^Sentence number \d+ is here\..*\.$/);
    }
    expect(parts.map((p) => p.text).join(" ")).toBe(text);
  });

  it("lists documents by id with paging, every document once, without parts", async () => {
    const { client, engine } = await setup();
    const ids = Array.from({ length: 23 }, (_, i) => `doc-${String(i).padStart(2, "0")}`);
    for (const id of [...ids].reverse()) {
      await client.documents.create("kb", {
        type: "core",
        id,
        document_parts: [{ text: `Text of ${id}.` }],
      });
    }
    const seen: string[] = [];
    for await (const d of await client.documents.list("kb", { limit: 5 })) {
      expect(d.parts).toEqual([]);
      seen.push(d.id);
    }
    expect(seen).toEqual(ids);
    const first = await raw(engine, "GET", "/v2/corpora/kb/documents");
    expect((first.body.documents as unknown[]).length).toBe(10);
    expect(first.body.documents as unknown[]).not.toContainEqual(
      expect.objectContaining({ parts: expect.anything() }),
    );
    const all = await raw(engine, "GET", "/v2/corpora/kb/documents?limit=1000");
    expect(all.body.metadata).toEqual({});
    const bad = await raw(engine, "GET", "/v2/corpora/kb/documents?limit=1001");
    expect(bad.status).toBe(400);
    expect(bad.body.field_errors).toHaveProperty(["query.limit"]);
    const badKey = await raw(engine, "GET", "/v2/corpora/kb/documents?page_key=nope");
    expect(badKey.body.field_errors).toHaveProperty(["query.page_key"]);
  });

  it("filters the list by document metadata", async () => {
    const { client, engine } = await setup();
    for (const [id, category] of [
      ["a", "billing"],
      ["b", "shipping"],
      ["c", "billing"],
    ] as const) {
      await client.documents.create("kb", {
        type: "core",
        id,
        metadata: { category },
        document_parts: [{ text: "Some text." }],
      });
    }
    const billing = await client.documents.list("kb", {
      metadata_filter: "doc.category = 'billing'",
    });
    expect(billing.items.map((d) => d.id)).toEqual(["a", "c"]);
    const byId = await client.documents.list("kb", { metadata_filter: "doc.id IN ('b', 'c')" });
    expect(byId.items.map((d) => d.id)).toEqual(["b", "c"]);
    const undeclared = await raw(
      engine,
      "GET",
      `/v2/corpora/kb/documents?metadata_filter=${encodeURIComponent("doc.nope = 1")}`,
    );
    expect(undeclared.status).toBe(400);
    expect(undeclared.body.field_errors).toHaveProperty(["query.metadata_filter"]);
  });

  it("merges metadata with PATCH and replaces it with PUT", async () => {
    const { client, engine } = await setup();
    await client.documents.create("kb", {
      type: "core",
      id: "m",
      metadata: { title: "Old title", category: "billing", keep: true },
      document_parts: [{ text: "Plans and prices." }],
    });
    const merged = await client.documents.mergeMetadata("kb", "m", { category: "sales", extra: 1 });
    expect(merged.metadata).toEqual({
      title: "Old title",
      category: "sales",
      keep: true,
      extra: 1,
    });
    expect((await client.documents.get("kb", "m")).metadata).toEqual(merged.metadata);

    const replaced = await client.documents.replaceMetadata("kb", "m", { title: "New title" });
    expect(replaced.metadata).toEqual({ title: "New title" });
    expect((await client.documents.get("kb", "m")).metadata).toEqual({ title: "New title" });
    // The index's title column follows the metadata title.
    expect(ftsHits(engine, "title:new")).toHaveLength(1);
    expect(ftsHits(engine, "title:old")).toHaveLength(0);
    expect(ftsHits(engine, "prices")).toHaveLength(1);

    await expect(client.documents.mergeMetadata("kb", "nope", {})).rejects.toBeInstanceOf(
      NotFoundError,
    );
    const invalid = await raw(engine, "PUT", "/v2/corpora/kb/documents/m/metadata", {
      metadata: [1],
    });
    expect(invalid.body.field_errors).toHaveProperty(["body.metadata"]);
  });

  it("deletes a document with its index rows; a second delete and a get are 404", async () => {
    const { client, engine } = await setup();
    await client.documents.create("kb", {
      type: "core",
      id: "doc/with slash",
      document_parts: [{ text: "Unique zebra text." }],
    });
    expect((await client.documents.get("kb", "doc/with slash")).id).toBe("doc/with slash");
    expect(ftsHits(engine, "zebra")).toHaveLength(1);
    await client.documents.delete("kb", "doc/with slash");
    expect(ftsHits(engine, "zebra")).toHaveLength(0);
    expect(engine.db.prepare("SELECT COUNT(*) FROM parts").pluck().get()).toBe(0);
    const missing = await rejection(client.documents.get("kb", "doc/with slash"));
    expect(missing).toBeInstanceOf(NotFoundError);
    expect(missing.missingId).toBe("doc/with slash");
    await expect(client.documents.delete("kb", "doc/with slash")).rejects.toBeInstanceOf(
      NotFoundError,
    );
  });

  it("bulk-deletes by ids and by metadata filter, and refuses a bare bulk delete", async () => {
    const { client, engine } = await setup();
    for (const id of ["a", "b", "c", "d"]) {
      await client.documents.create("kb", {
        type: "core",
        id,
        metadata: { category: id === "d" ? "old" : "current" },
        document_parts: [{ text: `Document ${id}.` }],
      });
    }
    const byIds = await raw(engine, "DELETE", "/v2/corpora/kb/documents?document_ids=a,b,unknown");
    expect(byIds).toEqual({ status: 200, body: {} });
    const byFilter = await raw(
      engine,
      "DELETE",
      `/v2/corpora/kb/documents?metadata_filter=${encodeURIComponent("doc.category = 'old'")}`,
    );
    expect(byFilter.status).toBe(200);
    expect((await client.documents.list("kb")).items.map((d) => d.id)).toEqual(["c"]);
    const bare = await raw(engine, "DELETE", "/v2/corpora/kb/documents");
    expect(bare.status).toBe(400);
    expect(bare.body.field_errors).toHaveProperty(["query.document_ids"]);
    expect(engine.db.prepare("SELECT COUNT(*) FROM parts").pluck().get()).toBe(1);
  });

  it("answers 409 for a duplicate id and leaves the first document intact", async () => {
    const { client } = await setup();
    const doc = { type: "core" as const, id: "dup", document_parts: [{ text: "First." }] };
    await client.documents.create("kb", doc);
    await expect(
      client.documents.create("kb", { ...doc, document_parts: [{ text: "Second." }] }),
    ).rejects.toBeInstanceOf(ConflictError);
    expect((await client.documents.get("kb", "dup")).parts.map((p) => p.text)).toEqual(["First."]);
  });

  it("answers 404 for an unknown corpus or document", async () => {
    const { client } = await setup();
    const corpus = await rejection(
      client.documents.create("nope", { type: "core", id: "x", document_parts: [{ text: "x" }] }),
    );
    expect(corpus).toBeInstanceOf(NotFoundError);
    expect(corpus.missingId).toBe("nope");
    await expect(client.documents.list("nope")).rejects.toBeInstanceOf(NotFoundError);
    await expect(client.documents.get("kb", "missing")).rejects.toBeInstanceOf(NotFoundError);
  });

  it("answers 400 with Vectara field errors for invalid bodies, never 500", async () => {
    const { engine } = await setup();
    const cases: Array<[unknown, string]> = [
      [{ type: "core", id: "x" }, "body.document_parts"],
      [{ type: "core", id: "x", document_parts: [] }, "body.document_parts"],
      [{ type: "core", id: "x", document_parts: [{ text: "   " }] }, "body.document_parts.0.text"],
      [{ type: "core", id: "x", document_parts: [{ metadata: {} }] }, "body.document_parts.0.text"],
      [{ id: "x", document_parts: [{ text: "a" }] }, "body.type"],
      [{ type: "core", id: "", document_parts: [{ text: "a" }] }, "body.id"],
      [{ type: "structured", id: "x", sections: [{ text: "" }] }, "body.sections"],
      [{ type: "structured", id: "x", sections: [] }, "body.sections"],
      [
        {
          type: "structured",
          id: "x",
          sections: [{ text: "a" }],
          chunking_strategy: { type: "max_chars_chunking_strategy", max_chars_per_chunk: 50 },
        },
        "body.chunking_strategy.max_chars_per_chunk",
      ],
    ];
    for (const [body, field] of cases) {
      const response = await raw(engine, "POST", "/v2/corpora/kb/documents", body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(response.body.field_errors, JSON.stringify(body)).toHaveProperty([field]);
    }
    const notJson = await engine.handle(
      new Request("http://x/v2/corpora/kb/documents", {
        method: "POST",
        headers: { "x-api-key": engine.apiKey },
        body: "{nope",
      }),
    );
    expect(notJson.status).toBe(400);
    expect(engine.db.prepare("SELECT COUNT(*) FROM documents").pluck().get()).toBe(0);
  });

  it("lets a query key read documents but not write them", async () => {
    const { client, clientWith, engine } = await setup();
    await client.documents.create("kb", {
      type: "core",
      id: "r",
      document_parts: [{ text: "Readable." }],
    });
    const key = await raw(engine, "POST", "/v2/api_keys", {
      name: "widget",
      api_key_role: "serving",
      corpus_keys: ["kb"],
    });
    const query = clientWith(key.body.secret_key as string);
    expect((await query.documents.get("kb", "r")).parts).toHaveLength(1);
    expect((await query.documents.list("kb")).items).toHaveLength(1);
    const doc = { type: "core" as const, id: "w", document_parts: [{ text: "Nope." }] };
    await expect(query.documents.create("kb", doc)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(query.documents.delete("kb", "r")).rejects.toBeInstanceOf(ForbiddenError);
    await expect(query.documents.mergeMetadata("kb", "r", { a: 1 })).rejects.toBeInstanceOf(
      ForbiddenError,
    );
    await expect(
      query.upload.file("kb", { name: "a.txt", data: new TextEncoder().encode("Hi.") }),
    ).rejects.toBeInstanceOf(ForbiddenError);
  });

  it("lets an indexing key write only to its own corpora", async () => {
    const { client, clientWith, engine } = await setup();
    await client.corpora.create({ key: "other" });
    const key = await raw(engine, "POST", "/v2/api_keys", {
      name: "indexer",
      api_key_role: "serving_and_indexing",
      corpus_keys: ["kb"],
    });
    const indexer = clientWith(key.body.secret_key as string);
    const doc = { type: "core" as const, id: "i", document_parts: [{ text: "Indexed." }] };
    expect((await indexer.documents.create("kb", doc)).id).toBe("i");
    await expect(indexer.documents.create("other", doc)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(indexer.documents.get("other", "i")).rejects.toBeInstanceOf(ForbiddenError);
  });
});
