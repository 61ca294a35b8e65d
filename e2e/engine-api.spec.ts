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
    await expect(localClient(url, null).corpora.list()).rejects.toBeInstanceOf(
      UnauthorizedError,
    );
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
