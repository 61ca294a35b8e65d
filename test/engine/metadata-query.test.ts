import { afterEach, describe, expect, it } from "vitest";
import {
  METADATA_MATCH_LIMITS,
  MetadataMatcher,
  queryWords,
} from "@/lib/engine/core/metadata-match";
import { getCorpusByKey } from "@/lib/engine/store/corpora";
import { scanMetadataCandidates } from "@/lib/engine/store/metadata-query";
import {
  BadRequestError,
  ForbiddenError,
  InvalidRequestError,
  NotFoundError,
  UnauthorizedError,
} from "@/lib/vectara";
import { makeEngine } from "../support/engine";
import { serveEngine } from "../support/serve-engine";

/**
 * `POST /v2/corpora/{key}/metadata_query`: fuzzy, weighted matching of field queries
 * against document (or part) metadata, over real HTTP and through the typed client.
 */

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

const DOCS = [
  {
    id: "lease",
    metadata: { title: "Commercial lease agreement", category: "contract", status: "Active" },
  },
  {
    id: "nda",
    metadata: { title: "Mutual non-disclosure agreement", category: "contract", status: "Active" },
  },
  {
    id: "handbook",
    metadata: { title: "Employee handbook", category: "policy", status: "Archived" },
  },
  {
    id: "tags",
    metadata: { title: "Office moves", category: ["facilities", "relocation"], status: "Active" },
  },
  { id: "bare", metadata: { other: "lease agreement" } },
];

async function setup() {
  const fixture = makeEngine();
  const { client } = fixture;
  await client.corpora.create({
    key: "kb",
    filter_attributes: [{ name: "status", level: "document", type: "text" }],
  });
  await client.corpora.create({ key: "other" });
  for (const d of DOCS) {
    await client.documents.create("kb", {
      id: d.id,
      type: "core",
      metadata: d.metadata,
      document_parts: [
        { text: `Text of ${d.id}.`, metadata: { section: `${d.id} terms` } },
        { text: `More of ${d.id}.`, metadata: { section: "appendix" } },
      ],
    });
  }
  const server = await serveEngine(fixture.engine);
  closers.push(server.close);
  const post = (path: string, body: unknown, apiKey: string | null = fixture.engine.apiKey) =>
    fetch(`${server.url}${path}`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        ...(apiKey === null ? {} : { "x-api-key": apiKey }),
      },
      body: JSON.stringify(body),
    });
  return { ...fixture, server, post };
}

async function makeKey(post: Awaited<ReturnType<typeof setup>>["post"], corpusKeys: string[]) {
  const response = await post("/v2/api_keys", {
    name: "scoped",
    api_key_role: "serving",
    corpus_keys: corpusKeys,
  });
  expect(response.status).toBe(201);
  return ((await response.json()) as { secret_key: string }).secret_key;
}

describe("metadata query", () => {
  it("finds the right document first over HTTP, in Vectara's response shape", async () => {
    const { post } = await setup();
    const response = await post("/v2/corpora/kb/metadata_query", {
      queries: [{ field: "title", query: "lease agreement" }],
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      documents: Array<{ doc_id: string; score: number; metadata: Record<string, unknown> }>;
      total_count: number;
    };
    expect(body.documents.map((d) => d.doc_id)).toEqual(["lease", "nda"]);
    expect(body.total_count).toBe(2);
    expect(body.documents[0]?.metadata).toEqual(DOCS[0]?.metadata);
    const [first, second] = body.documents;
    expect(first?.score).toBeGreaterThan(second?.score ?? 1);
    expect(first?.score).toBeLessThanOrEqual(1);
    expect(second?.score).toBeGreaterThan(0);
  });

  it("still finds a document from a misspelled query, and by a prefix", async () => {
    const { client } = await setup();
    const typo = await client.metadata.query("kb", {
      queries: [{ field: "title", query: "leese agrement" }],
    });
    expect(typo.documents[0]?.docId).toBe("lease");
    const prefix = await client.metadata.query("kb", {
      queries: [{ field: "title", query: "handb" }],
    });
    expect(prefix.documents.map((d) => d.docId)).toEqual(["handbook"]);
    const none = await client.metadata.query("kb", {
      queries: [{ field: "title", query: "zebra" }],
    });
    expect(none).toEqual({ documents: [], totalCount: 0 });
  });

  it("orders by the weighted fields: changing the weights changes the order", async () => {
    const { client } = await setup();
    const ask = (titleWeight: number, categoryWeight: number) =>
      client.metadata.query("kb", {
        queries: [
          { field: "title", query: "lease agreement", weight: titleWeight },
          { field: "category", query: "policy", weight: categoryWeight },
        ],
      });
    const byTitle = await ask(5, 1);
    expect(byTitle.documents[0]?.docId).toBe("lease");
    const byCategory = await ask(1, 5);
    expect(byCategory.documents[0]?.docId).toBe("handbook");
    expect(byCategory.documents.map((d) => d.docId).sort()).toEqual(["handbook", "lease", "nda"]);
    // A list value matches through its best element.
    const list = await client.metadata.query("kb", {
      queries: [{ field: "category", query: "relocation" }],
    });
    expect(list.documents.map((d) => d.docId)).toEqual(["tags"]);
  });

  it("pages with limit and offset, and counts every match", async () => {
    const { client } = await setup();
    const queries = [{ field: "status", query: "active" }];
    const all = await client.metadata.query("kb", { queries });
    expect(all.totalCount).toBe(3);
    const ids = all.documents.map((d) => d.docId);
    // Equal scores: by document id.
    expect(ids).toEqual(["lease", "nda", "tags"]);
    const first = await client.metadata.query("kb", { queries, limit: 2 });
    const rest = await client.metadata.query("kb", { queries, limit: 2, offset: 2 });
    expect(first.documents.map((d) => d.docId)).toEqual(ids.slice(0, 2));
    expect(rest.documents.map((d) => d.docId)).toEqual(ids.slice(2));
    expect(rest.totalCount).toBe(3);
    const past = await client.metadata.query("kb", { queries, offset: 10 });
    expect(past).toEqual({ documents: [], totalCount: 3 });
  });

  it("applies metadata_filter first, and searches part metadata at level part", async () => {
    const { client } = await setup();
    const filtered = await client.metadata.query("kb", {
      queries: [{ field: "title", query: "agreement employee" }],
      metadata_filter: "doc.status = 'Archived'",
    });
    expect(filtered.documents.map((d) => d.docId)).toEqual(["handbook"]);
    const parts = await client.metadata.query("kb", {
      level: "part",
      queries: [{ field: "section", query: "nda terms" }],
    });
    expect(parts.documents[0]).toMatchObject({
      docId: "nda",
      metadata: { section: "nda terms" },
    });
    // Every document's "… terms" part matches "terms"; the appendix parts do not.
    expect(parts.totalCount).toBe(DOCS.length);
  });

  it("answers 400 naming the field for bad input", async () => {
    const { post } = await setup();
    const cases: Array<[unknown, string]> = [
      [{}, "body.queries"],
      [{ queries: [] }, "body.queries"],
      [{ queries: [{ field: "title" }] }, "body.queries.0.query"],
      [{ queries: [{ field: "", query: "x" }] }, "body.queries.0.field"],
      [{ queries: [{ field: "title", query: "lease", weight: -1 }] }, "body.queries.0.weight"],
      [{ queries: [{ field: "title", query: "lease", weight: 0 }] }, "body.queries"],
      [{ queries: [{ field: "title", query: "?!" }] }, "body.queries.0.query"],
      [
        {
          queries: [
            { field: "title", query: Array.from({ length: 17 }, (_, i) => `w${i}`).join(" ") },
          ],
        },
        "body.queries.0.query",
      ],
      [{ queries: [{ field: "title", query: "lease" }], limit: 0 }, "body.limit"],
      [{ queries: [{ field: "title", query: "lease" }], limit: 101 }, "body.limit"],
      [{ queries: [{ field: "title", query: "lease" }], offset: -1 }, "body.offset"],
      [{ queries: [{ field: "title", query: "lease" }], level: "section" }, "body.level"],
      [
        { queries: [{ field: "title", query: "lease" }], metadata_filter: "doc.undeclared = 1" },
        "body.metadata_filter",
      ],
      [
        { queries: [{ field: "title", query: "lease" }], metadata_filter: "doc.status = " },
        "body.metadata_filter",
      ],
    ];
    for (const [body, field] of cases) {
      const response = await post("/v2/corpora/kb/metadata_query", body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      const error = (await response.json()) as { field_errors: Record<string, string> };
      expect(Object.keys(error.field_errors), JSON.stringify(body)).toContain(field);
    }
  });

  it("validates in the client before sending", async () => {
    const { client } = await setup();
    await expect(client.metadata.query("kb", { queries: [] })).rejects.toBeInstanceOf(
      InvalidRequestError,
    );
    await expect(
      client.metadata.query("kb", { queries: [{ field: "title", query: "?!" }] }),
    ).rejects.toBeInstanceOf(BadRequestError);
  });

  it("answers 401 without a key, 403 outside the key's scope, 404 for an unknown corpus", async () => {
    const { post, clientWith, client } = await setup();
    const body = { queries: [{ field: "title", query: "lease" }] };
    expect((await post("/v2/corpora/kb/metadata_query", body, null)).status).toBe(401);
    expect((await post("/v2/corpora/kb/metadata_query", body, "zqt_nope")).status).toBe(401);
    const scoped = await makeKey(post, ["other"]);
    expect((await post("/v2/corpora/kb/metadata_query", body, scoped)).status).toBe(403);
    expect((await post("/v2/corpora/other/metadata_query", body, scoped)).status).toBe(200);
    const inScope = await makeKey(post, ["kb"]);
    const found = await clientWith(inScope).metadata.query("kb", body);
    expect(found.documents[0]?.docId).toBe("lease");
    await expect(clientWith(scoped).metadata.query("kb", body)).rejects.toBeInstanceOf(
      ForbiddenError,
    );
    await expect(clientWith().metadata.query("kb", body)).rejects.toBeInstanceOf(UnauthorizedError);
    const missing = await post("/v2/corpora/nope/metadata_query", body);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ id: "nope" });
    await expect(client.metadata.query("nope", body)).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe("metadata query bounds", () => {
  const title = (query: string) => [{ field: "title", words: queryWords(query), weight: 1 }];

  it("stops typo matching once the request's edit-distance budget is spent", () => {
    const spent = new MetadataMatcher(title("leese"), { ...METADATA_MATCH_LIMITS, editCells: 0 });
    expect(spent.score(["lease"])).toBe(0);
    expect(spent.score(["leese"])).toBeGreaterThan(0);
    expect(new MetadataMatcher(title("leese")).score(["lease"])).toBeGreaterThan(0);
  });

  it("matches words met past the request's compared-words budget only exactly", () => {
    const limits = { ...METADATA_MATCH_LIMITS, comparedWords: 1 };
    const matcher = new MetadataMatcher(title("agreement"), limits);
    expect(matcher.score(["agreements"])).toBeGreaterThan(0.8); // compared in full: same stem
    expect(matcher.score(["agreemnt"])).toBe(0); // past the budget: a typo no longer matches
    expect(matcher.score(["agreement"])).toBe(1); // exact still does
    expect(matcher.score(["agreements"])).toBeGreaterThan(0.8); // remembered from before
  });

  it("reads only the first words of a value and the first elements of a list", () => {
    const matcher = new MetadataMatcher(title("needle"));
    const filler = Array.from({ length: METADATA_MATCH_LIMITS.valueWords }, (_, i) => `w${i}`);
    expect(matcher.score([[...filler, "needle"].join(" ")])).toBe(0);
    expect(matcher.score([["needle", ...filler].join(" ")])).toBeGreaterThan(0);
    const list = Array.from({ length: METADATA_MATCH_LIMITS.listElements }, (_, i) => `x${i}`);
    expect(matcher.score([[...list, "needle"]])).toBe(0);
    expect(matcher.score([["needle", ...list]])).toBe(1);
  });

  it("scans at most the cap of candidates, in row order, holding a named scalar or list", async () => {
    const { engine } = await setup();
    const corpus = getCorpusByKey(engine.db, "kb");
    const scan = (cap: number, fields = ["title"]) => [
      ...scanMetadataCandidates(engine.db, {
        level: "document",
        corpusId: corpus?.id ?? -1,
        fields,
        cap,
      }),
    ];
    expect(scan(100).map((c) => c.docId)).toEqual(["lease", "nda", "handbook", "tags"]);
    expect(scan(2).map((c) => c.docId)).toEqual(["lease", "nda"]);
    expect(scan(100, ["category"]).find((c) => c.docId === "tags")?.values).toEqual([
      ["facilities", "relocation"],
    ]);
    expect(scan(100, ["nothing"])).toEqual([]);
  });
});
