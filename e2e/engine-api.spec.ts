import { expect, test } from "@playwright/test";
import { ConflictError, ForbiddenError, NotFoundError, UnauthorizedError } from "../lib/vectara";
import { E2E_API_KEY } from "./support/keys";
import { createKey, localClient, uniqueKey } from "./support/local-api";

// The embedded engine's Vectara-compatible API, over real HTTP against the running app,
// through the same typed client the app uses.

test.describe("local /v2 API: corpora and keys", () => {
  test("creates, reads, updates, sizes and deletes a corpus", async ({ baseURL }) => {
    const client = localClient(baseURL as string);
    const key = uniqueKey("e2e_corpus");
    const created = await client.corpora.create({
      key,
      name: "E2E corpus",
      filter_attributes: [{ name: "category", level: "document", type: "text" }],
    });
    expect(created).toMatchObject({ key, name: "E2E corpus", enabled: true });
    await expect(client.corpora.create({ key })).rejects.toBeInstanceOf(ConflictError);
    expect((await client.corpora.update(key, { description: "for tests" })).description).toBe(
      "for tests",
    );
    expect(await client.corpora.computeSize(key)).toMatchObject({ usedDocs: 0, usedParts: 0 });
    const listed = await client.corpora.list({ filter: key });
    expect(listed.items.map((c) => c.key)).toEqual([key]);
    await client.corpora.delete(key);
    await expect(client.corpora.get(key)).rejects.toBeInstanceOf(NotFoundError);
  });

  test("answers 401 without a key and 403 for a role that is too low", async ({ baseURL }) => {
    const url = baseURL as string;
    await expect(localClient(url, null).corpora.list()).rejects.toBeInstanceOf(UnauthorizedError);
    await expect(localClient(url, "zut_not_a_key").corpora.list()).rejects.toBeInstanceOf(
      UnauthorizedError,
    );
    const key = uniqueKey("e2e_roles");
    await localClient(url).corpora.create({ key });
    const queryKey = await createKey(url, "serving", [key]);
    const query = localClient(url, queryKey);
    expect((await query.corpora.get(key)).key).toBe(key);
    await expect(query.corpora.delete(key)).rejects.toBeInstanceOf(ForbiddenError);
  });

  test("answers curl-style requests in Vectara's error shape", async ({ request }) => {
    const response = await request.post("/v2/corpora", {
      headers: { "x-api-key": E2E_API_KEY },
      data: { key: "not a valid key!" },
    });
    expect(response.status()).toBe(400);
    const body = await response.json();
    expect(body).toMatchObject({ messages: [expect.any(String)], request_id: expect.any(String) });
    expect(Object.keys(body.field_errors)).toEqual(["body.key"]);
  });
});

test.describe("local /v2 API: documents and uploads", () => {
  test("indexes, lists, updates and deletes documents", async ({ baseURL }) => {
    const client = localClient(baseURL as string);
    const key = uniqueKey("e2e_docs");
    await client.corpora.create({
      key,
      filter_attributes: [{ name: "category", level: "document", type: "text" }],
    });
    await client.documents.create(key, {
      type: "core",
      id: "billing/refunds",
      metadata: { title: "Refunds", category: "billing" },
      document_parts: [{ text: "Refunds are issued within 5 business days." }],
    });
    await client.documents.create(key, {
      type: "structured",
      id: "auth-2fa",
      metadata: { category: "authentication" },
      title: "Two-factor authentication",
      sections: [
        { title: "Turning it on", text: "Open Settings. Choose Security. Enable two-factor." },
      ],
    });
    const doc = await client.documents.get(key, "billing/refunds");
    expect(doc.parts.map((p) => p.text)).toEqual(["Refunds are issued within 5 business days."]);
    const billing = await client.documents.list(key, {
      metadata_filter: "doc.category = 'billing'",
    });
    expect(billing.items.map((d) => d.id)).toEqual(["billing/refunds"]);
    const merged = await client.documents.mergeMetadata(key, "auth-2fa", { reviewed: true });
    expect(merged.metadata).toMatchObject({ category: "authentication", reviewed: true });
    expect((await client.corpora.computeSize(key)).usedDocs).toBe(2);
    await client.documents.delete(key, "billing/refunds");
    await expect(client.documents.get(key, "billing/refunds")).rejects.toBeInstanceOf(
      NotFoundError,
    );
  });

  test("uploads a Markdown file whose front matter becomes metadata", async ({ baseURL }) => {
    const client = localClient(baseURL as string);
    const key = uniqueKey("e2e_upload");
    await client.corpora.create({ key });
    const markdown =
      "---\ntitle: Password reset\ncategory: authentication\n---\n# Password reset\n\nOpen the sign-in page and choose Forgot password.\n";
    const uploaded = await client.upload.file(key, {
      name: "password-reset.md",
      data: new TextEncoder().encode(markdown),
      type: "text/markdown",
    });
    expect(uploaded.id).toBe("password-reset.md");
    const doc = await client.documents.get(key, "password-reset.md");
    expect(doc.metadata).toMatchObject({ title: "Password reset", category: "authentication" });
    expect(doc.parts.some((p) => p.text.includes("Forgot password"))).toBe(true);
  });

  test("refuses an unsupported file type with 415", async ({ request }) => {
    const key = uniqueKey("e2e_upload415");
    await localClient(test.info().project.use.baseURL as string).corpora.create({ key });
    const response = await request.post(`/v2/corpora/${key}/upload_file`, {
      headers: { "x-api-key": E2E_API_KEY },
      multipart: {
        file: {
          name: "logo.png",
          mimeType: "image/png",
          buffer: Buffer.from([0x89, 0x50, 0x4e, 0x47]),
        },
      },
    });
    expect(response.status()).toBe(415);
    expect(await response.json()).toMatchObject({
      messages: [expect.any(String)],
      request_id: expect.any(String),
    });
  });
});

test.describe("local /v2 API: search", () => {
  async function seed(baseURL: string) {
    const client = localClient(baseURL);
    const key = uniqueKey("e2e_search");
    await client.corpora.create({
      key,
      filter_attributes: [{ name: "category", level: "document", type: "text" }],
    });
    await client.documents.create(key, {
      type: "core",
      id: "password-reset",
      metadata: { title: "Resetting your password", category: "authentication" },
      document_parts: [
        { text: "To reset your password, open the sign-in page and choose Forgot password." },
      ],
    });
    await client.documents.create(key, {
      type: "core",
      id: "refunds",
      metadata: { title: "Refunds", category: "billing" },
      document_parts: [{ text: "Refunds for annual plans are issued within five business days." }],
    });
    return { client, key };
  }

  test("finds the right part for a natural-language question, with filters", async ({
    baseURL,
  }) => {
    const { client, key } = await seed(baseURL as string);
    const answer = await client.query.corpus(key, { query: "How can I reset my password?" });
    expect(answer.searchResults[0]).toMatchObject({ documentId: "password-reset", corpusKey: key });
    const billing = await client.query.query({
      query: "password refunds",
      search: { corpora: [{ corpus_key: key, metadata_filter: "doc.category = 'billing'" }] },
    });
    expect(billing.searchResults.map((r) => r.documentId)).toEqual(["refunds"]);
  });

  test("streams query results as server-sent events", async ({ baseURL }) => {
    const { client, key } = await seed(baseURL as string);
    const stream = await client.query.queryStream({
      query: "refund for an annual plan",
      search: { corpora: [{ corpus_key: key }] },
    });
    const types: string[] = [];
    let first: string | undefined;
    for await (const event of stream) {
      types.push(event.type);
      if (event.type === "search_results") first = event.searchResults[0]?.documentId;
    }
    expect(types).toEqual(["search_results", "end"]);
    expect(first).toBe("refunds");
  });

  test("answers a bad filter with a 400 that gives the position", async ({ request, baseURL }) => {
    const { key } = await seed(baseURL as string);
    const response = await request.post(`/v2/corpora/${key}/query`, {
      headers: { "x-api-key": E2E_API_KEY },
      data: { query: "password", search: { metadata_filter: "doc.category = " } },
    });
    expect(response.status()).toBe(400);
    const body = await response.json();
    expect(Object.keys(body.field_errors)).toEqual(["body.search.metadata_filter"]);
    expect(body.messages[0]).toMatch(/1:\d+/);
  });
});
