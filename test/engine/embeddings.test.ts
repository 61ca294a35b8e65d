import { createHash } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { createEmbedder } from "@/lib/engine/providers/embeddings";
import { createVectorCache, decodeVector, scheduleEmbedding } from "@/lib/engine/store/vectors";
import { makeEngine } from "../support/engine";
import { sendJson, startServer } from "../support/http-server";
import { coreDoc, seedCorpus } from "../support/search";

const DIM = 64;
/**
 * The fake model's only "knowledge": these made-up words mean the same (made up, so
 * that neither the curated support vocabulary nor WordNet knows them).
 */
const SYNONYMS: Record<string, string> = {
  quibix: "zorblat",
  frumple: "zorblat",
  zorblat: "zorblat",
};

/** A deterministic embedding: hashed bag of words, synonyms sharing a bucket. */
function embed(text: string): number[] {
  const v = new Array<number>(DIM).fill(0);
  for (const raw of text.toLowerCase().match(/[a-z0-9]+/g) ?? []) {
    const word = SYNONYMS[raw] ?? raw;
    const h = createHash("sha1").update(word).digest();
    const k = (h[0] as number) % DIM;
    v[k] = (v[k] ?? 0) + 1;
  }
  return v;
}

type Mode = "ok" | "fail" | "short" | "nan";

async function embeddingServer(mode: { current: Mode } = { current: "ok" }) {
  const server = await startServer((req, res, received) => {
    if (req.url !== "/v1/embeddings") return sendJson(res, 404, { error: "not found" });
    if (mode.current === "fail") return sendJson(res, 500, { error: { message: "model crashed" } });
    const body = JSON.parse(received.body) as { input: string[]; model: string };
    const inputs = mode.current === "short" ? body.input.slice(1) : body.input;
    sendJson(res, 200, {
      object: "list",
      model: body.model,
      data: inputs.map((text, index) => ({
        object: "embedding",
        index,
        embedding: mode.current === "nan" ? embed(text).map(() => "NaN") : embed(text),
      })),
      usage: { prompt_tokens: 1, total_tokens: 1 },
    });
  });
  open.push(() => server.close());
  return server;
}

const open: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of open.splice(0)) await close();
});

describe("OpenAI-compatible embeddings provider", () => {
  it("embeds through /v1/embeddings and validates the answer", async () => {
    const mode = { current: "ok" as Mode };
    const server = await embeddingServer(mode);
    const embedder = createEmbedder({
      baseURL: `${server.url}/v1`,
      model: "hash-64",
      maxRetries: 0,
    });
    const vectors = await embedder.embed(["reset password", "login"]);
    expect(vectors).toEqual([embed("reset password"), embed("login")]);
    expect(JSON.parse(server.received[0]?.body ?? "{}")).toMatchObject({
      model: "hash-64",
      input: ["reset password", "login"],
    });
    expect(await embedder.embed([])).toEqual([]);
    for (const bad of ["short", "nan", "fail"] as const) {
      mode.current = bad;
      await expect(embedder.embed(["a", "b"]), bad).rejects.toThrow();
    }
  });
});

describe("semantic retrieval", () => {
  async function setup() {
    const mode = { current: "ok" as Mode };
    const server = await embeddingServer(mode);
    const embedder = createEmbedder({
      baseURL: `${server.url}/v1`,
      model: "hash-64",
      maxRetries: 0,
    });
    const fixture = makeEngine({ embedder });
    await seedCorpus(fixture.client, "kb", [
      coreDoc("sso", ["Use zorblat with your company account to reach the dashboard."]),
      coreDoc("billing", ["Invoices are sent monthly to the account owner."]),
      coreDoc("export", ["Export the dashboard as a PDF file."]),
    ]);
    // Only queries start the engine's own loop: none has run yet, so this one is alone.
    await scheduleEmbedding(fixture.engine.db, createVectorCache(), embedder, () => undefined);
    return { ...fixture, server, mode };
  }

  it("stores one Float32 vector per part, computed after indexing", async () => {
    const { engine } = await setup();
    const rows = engine.db
      .prepare("SELECT model, dim, vector FROM part_vectors ORDER BY part_id")
      .all() as Array<{ model: string; dim: number; vector: Buffer }>;
    expect(rows).toHaveLength(3);
    expect(rows[0]).toMatchObject({ model: "hash-64", dim: DIM });
    expect(Array.from(decodeVector(rows[0]?.vector as Buffer))).toEqual(
      embed("Use zorblat with your company account to reach the dashboard."),
    );
  });

  it("finds a part by meaning where the words differ, blended by lexical_interpolation", async () => {
    const { client } = await setup();
    const semantic = await client.query.corpus("kb", {
      query: "quibix",
      search: { lexical_interpolation: 0 },
    });
    expect(semantic.searchResults[0]?.documentId).toBe("sso");
    // Lexically nothing matches: only the nearest results, at honest low scores.
    const lexicalOnly = await client.query.corpus("kb", {
      query: "quibix",
      search: { lexical_interpolation: 1 },
    });
    for (const r of lexicalOnly.searchResults) expect(r.score).toBeLessThan(0.05);
    const hybrid = await client.query.corpus("kb", { query: "frumple to the dashboard" });
    expect(hybrid.searchResults[0]?.documentId).toBe("sso");
  });

  it("falls back to lexical ranking when the embeddings endpoint fails", async () => {
    const { client, mode } = await setup();
    mode.current = "fail";
    const answer = await client.query.corpus("kb", {
      query: "invoices",
      search: { lexical_interpolation: 0.5 },
    });
    expect(answer.searchResults[0]?.documentId).toBe("billing");
  });

  it("never calls an embeddings endpoint when none is configured", async () => {
    const server = await embeddingServer();
    const { client } = makeEngine();
    await seedCorpus(client, "kb", [coreDoc("a", ["Invoices are sent monthly."])]);
    const answer = await client.query.corpus("kb", {
      query: "invoices",
      search: { lexical_interpolation: 0 },
    });
    expect(answer.searchResults[0]?.documentId).toBe("a");
    expect(server.received).toHaveLength(0);
  });
});
