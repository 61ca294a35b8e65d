import { describe, expect, it } from "vitest";
import {
  BadRequestError,
  ConflictError,
  ForbiddenError,
  NotFoundError,
  UnauthorizedError,
} from "@/lib/vectara";
import { makeEngine } from "../support/engine";

describe("corpora", () => {
  it("creates, gets, lists, updates and deletes a corpus", async () => {
    const { client } = makeEngine();
    const created = await client.corpora.create({
      key: "support_kb",
      name: "Support",
      filter_attributes: [{ name: "category", level: "document", type: "text" }],
    });
    expect(created).toMatchObject({ key: "support_kb", name: "Support", enabled: true });
    expect(created.filterAttributes).toEqual([
      { name: "category", level: "document", type: "text", indexed: true },
    ]);
    expect(await client.corpora.get("support_kb")).toMatchObject({ key: "support_kb" });
    const updated = await client.corpora.update("support_kb", {
      description: "Help articles",
      enabled: false,
    });
    expect(updated).toMatchObject({ description: "Help articles", enabled: false });
    await client.corpora.delete("support_kb");
    await expect(client.corpora.get("support_kb")).rejects.toBeInstanceOf(NotFoundError);
  });

  it("answers 409 for a duplicate key and 400 for a bad one, with field errors", async () => {
    const { client, engine } = makeEngine();
    await client.corpora.create({ key: "kb" });
    await expect(client.corpora.create({ key: "kb" })).rejects.toBeInstanceOf(ConflictError);
    const response = await engine.handle(
      new Request("http://x/v2/corpora", {
        method: "POST",
        headers: { "x-api-key": engine.apiKey, "content-type": "application/json" },
        body: JSON.stringify({ key: "bad key!" }),
      }),
    );
    expect(response.status).toBe(400);
    const body = await response.json();
    expect(body.field_errors).toHaveProperty(["body.key"]);
    expect(body.request_id).toMatch(/^[0-9a-f]{24}$/);
  });

  it("pages through corpora with page_key and filters them by regex", async () => {
    const { client } = makeEngine();
    for (const key of ["alpha", "beta", "gamma", "delta", "epsilon"])
      await client.corpora.create({ key });
    const keys: string[] = [];
    for await (const c of await client.corpora.list({ limit: 2 })) keys.push(c.key);
    expect(keys).toEqual(["alpha", "beta", "delta", "epsilon", "gamma"]);
    const filtered = await client.corpora.list({ filter: "^(al|ga)" });
    expect(filtered.items.map((c) => c.key)).toEqual(["alpha", "gamma"]);
    await expect(client.corpora.list({ filter: "(" })).rejects.toBeInstanceOf(BadRequestError);
  });

  it("computes the size, resets and replaces filter attributes", async () => {
    const { client } = makeEngine();
    await client.corpora.create({ key: "kb" });
    expect(await client.corpora.computeSize("kb")).toEqual({
      usedDocs: 0,
      usedParts: 0,
      usedCharacters: 0,
      usedMetadataCharacters: 0,
    });
    const job = await client.corpora.replaceFilterAttributes("kb", [
      { name: "tier", level: "part", type: "integer" },
    ]);
    expect(job.jobId).toMatch(/^job_/);
    expect((await client.corpora.get("kb")).filterAttributes.map((a) => a.name)).toEqual(["tier"]);
    await client.corpora.reset("kb");
  });
});

describe("API keys and roles", () => {
  it("answers 401 without a key or with a wrong one", async () => {
    const { clientWith } = makeEngine();
    await expect(clientWith(undefined).corpora.list()).rejects.toBeInstanceOf(UnauthorizedError);
    await expect(clientWith("zut_wrong").corpora.list()).rejects.toBeInstanceOf(UnauthorizedError);
  });

  it("lets a query key read but not write, and only its own corpora", async () => {
    const { client, clientWith, engine } = makeEngine();
    await client.corpora.create({ key: "kb" });
    await client.corpora.create({ key: "other" });
    const response = await engine.handle(
      new Request("http://x/v2/api_keys", {
        method: "POST",
        headers: { "x-api-key": engine.apiKey, "content-type": "application/json" },
        body: JSON.stringify({ name: "widget", api_key_role: "serving", corpus_keys: ["kb"] }),
      }),
    );
    expect(response.status).toBe(201);
    const { secret_key } = (await response.json()) as { secret_key: string };
    expect(secret_key).toMatch(/^zqt_/);
    const query = clientWith(secret_key);
    expect((await query.corpora.get("kb")).key).toBe("kb");
    expect((await query.corpora.list()).items.map((c) => c.key)).toEqual(["kb"]);
    await expect(query.corpora.get("other")).rejects.toBeInstanceOf(ForbiddenError);
    await expect(query.corpora.create({ key: "mine" })).rejects.toBeInstanceOf(ForbiddenError);
    await expect(query.corpora.delete("kb")).rejects.toBeInstanceOf(ForbiddenError);
  });

  it("stores only a hash of each key", async () => {
    const { engine } = makeEngine({ localApiKey: "zut_local_personal_key_123456" });
    const rows = engine.db.prepare("SELECT hash FROM api_keys").all() as Array<{ hash: string }>;
    expect(rows).toHaveLength(1);
    expect(rows[0]?.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(rows)).not.toContain("zut_local_personal_key_123456");
  });

  it("answers 404 for an unknown path and 405 for a wrong method, in Vectara's shape", async () => {
    const { engine } = makeEngine();
    const headers = { "x-api-key": engine.apiKey };
    const unknown = await engine.handle(new Request("http://x/v2/nope", { headers }));
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({
      messages: [expect.any(String)],
      request_id: expect.any(String),
    });
    const wrong = await engine.handle(
      new Request("http://x/v2/corpora", { method: "PUT", headers }),
    );
    expect(wrong.status).toBe(405);
  });
});

describe("reset and delete", () => {
  it("leave no index rows behind", async () => {
    const { client, engine } = makeEngine();
    await client.corpora.create({ key: "kb" });
    await client.documents.create("kb", {
      type: "structured",
      id: "guide",
      title: "Guide",
      sections: [{ title: "Setup", text: "Install the agent. Start the service." }],
    });
    const count = (table: string) =>
      (engine.db.prepare(`SELECT count(*) n FROM ${table}`).get() as { n: number }).n;
    expect(count("parts_fts")).toBeGreaterThan(0);
    expect(count("sections_fts")).toBeGreaterThan(0);
    await client.corpora.reset("kb");
    expect([count("parts"), count("parts_fts"), count("parts_tri"), count("sections_fts")]).toEqual(
      [0, 0, 0, 0],
    );
  });
});
