import { describe, expect, it } from "vitest";
import { createEngine, type Engine } from "@/lib/engine";
import { checkJsonBounds, parseStoredObject } from "@/lib/engine/core/json-bounds";
import { migrate, openDatabase } from "@/lib/engine/store/db";
import { migrations } from "@/lib/engine/store/migrations";
import { parseFile } from "@/lib/ingest/parse";

/**
 * Bounds at the edges: metadata depth and size, YAML front matter that refers to
 * itself or expands without end, JSON bodies nested 10,000 deep anywhere, and
 * documents stored before the limits (nested past SQLite's 1000 levels).
 */

function engine(): Engine {
  return createEngine({ dataDir: "", inMemory: true, log: () => {} });
}

/** JSON text of an object nested `levels` deep (`{"a":{"a":…{}}}`), built without recursion. */
const deepText = (levels: number) => `${'{"a":'.repeat(levels - 1)}{}${"}".repeat(levels - 1)}`;

/** A request whose body is sent as given (a 10,000-deep value cannot go through JSON.stringify). */
async function send(e: Engine, method: string, path: string, body?: string) {
  const response = await e.handle(
    new Request(`http://x${path}`, {
      method,
      headers: { "x-api-key": e.apiKey, "content-type": "application/json" },
      body,
    }),
  );
  const text = await response.text();
  return {
    status: response.status,
    body: (text ? JSON.parse(text) : {}) as {
      field_errors?: Record<string, string>;
      messages?: string[];
      documents?: Array<{ id: string; metadata: Record<string, unknown> }>;
      search_results?: Array<{ document_id: string }>;
    },
  };
}

async function upload(
  e: Engine,
  file: { name: string; text: string; type?: string },
  metadata?: string,
) {
  const form = new FormData();
  form.append("file", new Blob([file.text], { type: file.type ?? "text/markdown" }), file.name);
  if (metadata !== undefined) form.append("metadata", metadata);
  const response = await e.handle(
    new Request("http://x/v2/corpora/kb/upload_file", {
      method: "POST",
      headers: { "x-api-key": e.apiKey },
      body: form,
    }),
  );
  const text = await response.text();
  return {
    status: response.status,
    body: JSON.parse(text) as { field_errors?: Record<string, string>; messages?: string[] },
  };
}

async function withCorpus(): Promise<Engine> {
  const e = engine();
  const created = await send(
    e,
    "POST",
    "/v2/corpora",
    JSON.stringify({
      key: "kb",
      filter_attributes: [
        { name: "category", level: "document", type: "text" },
        { name: "tags", level: "document", type: "list[text]" },
        { name: "tier", level: "part", type: "integer" },
      ],
    }),
  );
  expect(created.status).toBe(201);
  return e;
}

const core = (metadata: string, partMetadata = "{}") =>
  `{"type":"core","id":"c1","metadata":${metadata},"document_parts":[{"text":"Refunds take five days.","metadata":${partMetadata}}]}`;
const structured = (metadata: string, sectionMetadata = "{}") =>
  `{"type":"structured","id":"s1","metadata":${metadata},"sections":[{"text":"Refunds take five days.","metadata":${sectionMetadata}}]}`;

async function createPlain(e: Engine, id = "plain") {
  const created = await send(
    e,
    "POST",
    "/v2/corpora/kb/documents",
    JSON.stringify({
      type: "core",
      id,
      metadata: { category: "billing", tags: ["refund"] },
      document_parts: [
        { text: "Refunds take five days to reach your card.", metadata: { tier: 1 } },
      ],
    }),
  );
  expect(created.status).toBe(201);
}

/** Every write path that takes a metadata object, and the field its error names. */
const WRITE_PATHS: Array<{
  name: string;
  field: string;
  write: (e: Engine, metadata: string) => Promise<{ status: number; body: unknown }>;
}> = [
  {
    name: "core document metadata",
    field: "body.metadata",
    write: (e, m) => send(e, "POST", "/v2/corpora/kb/documents", core(m)),
  },
  {
    name: "core part metadata",
    field: "body.document_parts.0.metadata",
    write: (e, m) => send(e, "POST", "/v2/corpora/kb/documents", core("{}", m)),
  },
  {
    name: "structured document metadata",
    field: "body.metadata",
    write: (e, m) => send(e, "POST", "/v2/corpora/kb/documents", structured(m)),
  },
  {
    name: "structured section metadata",
    field: "body.sections.0.metadata",
    write: (e, m) => send(e, "POST", "/v2/corpora/kb/documents", structured("{}", m)),
  },
  {
    name: "PUT metadata",
    field: "body.metadata",
    write: (e, m) => send(e, "PUT", "/v2/corpora/kb/documents/plain/metadata", `{"metadata":${m}}`),
  },
  {
    name: "PATCH document",
    field: "body.metadata",
    write: (e, m) => send(e, "PATCH", "/v2/corpora/kb/documents/plain", `{"metadata":${m}}`),
  },
  {
    name: "upload_file metadata",
    field: "body.metadata",
    write: (e, m) => upload(e, { name: "notes.md", text: "# Notes\n\nRefunds take days." }, m),
  },
];

describe("metadata limits", () => {
  for (const path of WRITE_PATHS) {
    it(`${path.name}: 10,000 and 33 levels are a 400 naming the field; 32 are accepted`, async () => {
      const e = await withCorpus();
      await createPlain(e);
      for (const levels of [10_000, 33]) {
        const answer = await path.write(e, deepText(levels));
        expect(answer.status).toBe(400);
        expect(answer.body).toMatchObject({
          field_errors: { [path.field]: "is nested deeper than 32 levels" },
        });
      }
      const ok = await path.write(e, deepText(32));
      expect(ok.status).toBeLessThan(300);
      e.close();
    });
  }

  it("metadata over 64 KB is a 400 on every write path", async () => {
    const big = JSON.stringify({ notes: "x".repeat(70 * 1024) });
    const e = await withCorpus();
    await createPlain(e);
    for (const path of WRITE_PATHS) {
      const answer = await path.write(e, big);
      expect(answer.status, path.name).toBe(400);
      expect(answer.body, path.name).toMatchObject({
        field_errors: { [path.field]: "is larger than 64 KB" },
      });
    }
    e.close();
  });

  it("a PATCH that would merge past 64 KB is a 400; each half alone is fine", async () => {
    const e = await withCorpus();
    await createPlain(e);
    const half = (key: string) => JSON.stringify({ metadata: { [key]: "x".repeat(40 * 1024) } });
    const doc = "/v2/corpora/kb/documents/plain";
    expect((await send(e, "PUT", `${doc}/metadata`, half("a"))).status).toBe(200);
    const merged = await send(e, "PATCH", doc, half("b"));
    expect(merged.status).toBe(400);
    expect(merged.body.field_errors?.["body.metadata"]).toMatch(/larger than 64 KB/);
    expect((await send(e, "PATCH", doc, half("a"))).status).toBe(200);
    e.close();
  });

  it("checkJsonBounds: levels count containers, cycles read as too deep, sizes are exact", () => {
    expect(checkJsonBounds({ a: { b: [1] } }, { maxDepth: 3 })).toBeUndefined();
    expect(checkJsonBounds({ a: { b: [1] } }, { maxDepth: 2 })).toBe(
      "is nested deeper than 2 levels",
    );
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(checkJsonBounds(cyclic, { maxDepth: 32 })).toBe("is nested deeper than 32 levels");
    const exact = { k: "é".repeat(100) }; // 2 bytes each in UTF-8
    const size = Buffer.byteLength(JSON.stringify(exact));
    expect(checkJsonBounds(exact, { maxDepth: 2, maxBytes: size })).toBeUndefined();
    expect(checkJsonBounds(exact, { maxDepth: 2, maxBytes: size - 1 })).toBe(
      `is larger than ${size - 1} bytes`,
    );
  });
});

describe("YAML front matter", () => {
  const bomb = [
    "---",
    'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
    "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]",
    "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]",
    "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]",
    "e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]",
    "f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]",
    "---",
    "# Laughs",
    "",
    "Text.",
  ].join("\n");
  const circular = "---\na: &a [*a]\n---\n# Loop\n\nText.\n";
  const circularMap = "---\ntitle: Loop\nmeta: &m {parent: *m}\n---\nText.\n";
  const deep = `---\nx: ${"[".repeat(40)}1${"]".repeat(40)}\n---\nText.\n`;

  it("a self-referencing alias, an alias bomb and over-deep front matter are 400s on body.file", async () => {
    const e = await withCorpus();
    const cases: Array<[string, RegExp]> = [
      [circular, /front matter has a YAML alias inside its own anchor/],
      [circularMap, /front matter has a YAML alias inside its own anchor/],
      [bomb, /front matter expands its YAML aliases too far/],
      [deep, /front matter is nested deeper than 32 levels/],
      [`---\nnotes: ${"x".repeat(70 * 1024)}\n---\nText.\n`, /front matter is larger than 64 KB/],
    ];
    for (const [text, message] of cases) {
      const answer = await upload(e, { name: "doc.md", text });
      expect(answer.status).toBe(400);
      expect(answer.body.field_errors?.["body.file"]).toMatch(message);
    }
    // A few ordinary aliases are still fine.
    const reuse = "---\ntitle: Reuse\ntags: &t [a, b]\nkeywords: *t\n---\n# Reuse\n\nText.\n";
    expect((await upload(e, { name: "reuse.md", text: reuse })).status).toBe(201);
    const doc = await send(e, "GET", "/v2/corpora/kb/documents/reuse.md");
    expect(doc.status).toBe(200);
    e.close();
  });

  it("the ingest library reports such a file with a plain reason", async () => {
    const bytes = (text: string) => new TextEncoder().encode(text);
    await expect(parseFile("loop.md", bytes(circular))).rejects.toThrow(
      /^front matter has a YAML alias inside its own anchor/,
    );
    await expect(parseFile("bomb.md", bytes(bomb))).rejects.toThrow(
      /^front matter expands its YAML aliases too far/,
    );
  });
});

describe("JSON bodies nested 10,000 deep", () => {
  it("are a 400 on every endpoint that reads a JSON body, never a 500", async () => {
    const e = await withCorpus();
    await createPlain(e);
    const deep = deepText(10_000);
    const chain = `${'{"type":"chain","rerankers":['.repeat(10_000)}${"]}".repeat(10_000)}`;
    const search = '{"corpora":[{"corpus_key":"kb"}]}';
    const requests: Array<[string, string, string]> = [
      ["POST", "/v2/corpora", `{"key":"k2","filter_attributes":${deep}}`],
      ["POST", "/v2/corpora", `{"key":"k2","custom_dimensions":${deep}}`],
      ["PATCH", "/v2/corpora/kb", `{"description":${deep}}`],
      ["POST", "/v2/corpora/kb/replace_filter_attributes", `{"filter_attributes":${deep}}`],
      [
        "POST",
        "/v2/corpora/kb/documents",
        structured("{}").replace('"sections"', `"x":${deep},"sections"`),
      ],
      [
        "POST",
        "/v2/corpora/kb/documents",
        `{"type":"core","id":"t","tables":[${deep}],"document_parts":[{"text":"x"}]}`,
      ],
      [
        "POST",
        "/v2/corpora/kb/documents",
        `{"type":"core","id":"t","document_parts":[{"text":"x","custom_dimensions":${deep}}]}`,
      ],
      [
        "POST",
        "/v2/query",
        `{"query":"refund","search":{"corpora":[{"corpus_key":"kb","custom_dimensions":${deep}}]}}`,
      ],
      [
        "POST",
        "/v2/query",
        `{"query":"refund","search":{"corpora":[{"corpus_key":"kb"}],"reranker":${chain}}}`,
      ],
      [
        "POST",
        "/v2/query",
        `{"query":"refund","search":${search},"generation":{"model_parameters":{"x":${deep}}}}`,
      ],
      ["POST", "/v2/corpora/kb/query", `{"query":"refund","generation":${deep}}`],
      ["POST", "/v2/chats", `{"query":"refund","search":${search},"generation":{"x":${deep}}}`],
      ["POST", "/v2/chats", `{"query":"refund","search":${search},"chat":${deep}}`],
      ["POST", "/v2/api_keys", `{"name":"k","api_key_role":"serving","corpus_keys":${deep}}`],
      ["POST", "/v2/app_clients", `{"name":"c","description":${deep}}`],
      ["POST", "/v2/app_clients", `{"name":"c","x":${deep}}`],
      ["POST", "/v2/corpora/kb/documents", deep],
    ];
    for (const [method, path, body] of requests) {
      const answer = await send(e, method, path, body);
      expect(answer.status, `${method} ${path} ${body.slice(0, 80)}`).toBe(400);
    }
    // The chain is refused by the chain rule once zod stops descending; the generic guard names the body.
    const nested = await send(
      e,
      "POST",
      "/v2/query",
      `{"query":"refund","search":{"corpora":[{"corpus_key":"kb"}],"reranker":${chain}}}`,
    );
    expect(nested.body.messages?.join(" ")).toMatch(/nested/);
    const generation = await send(
      e,
      "POST",
      "/v2/query",
      `{"query":"refund","search":${search},"generation":{"model_parameters":{"x":${deep}}}}`,
    );
    expect(generation.body.field_errors).toEqual({ body: "is nested deeper than 100 levels" });
    e.close();
  });
});

describe("documents stored before the limits", () => {
  /** Metadata text nested past SQLite's JSON depth limit (1000), with readable fields beside it. */
  const legacy = (fields: string) => `{${fields},"deep":${deepText(1000)}}`;

  async function withLegacyDocument() {
    const e = await withCorpus();
    await createPlain(e, "plain");
    await createPlain(e, "old");
    // As an engine.db written before the limits would hold it.
    const row = e.db.prepare("SELECT id FROM documents WHERE doc_id = 'old'").pluck().get();
    e.db
      .prepare("UPDATE documents SET metadata = ? WHERE id = ?")
      .run(legacy('"category":"billing","tags":["refund"]'), row);
    e.db
      .prepare("UPDATE parts SET metadata = ? WHERE document_id = ?")
      .run(legacy('"tier":1'), row);
    expect(
      e.db.prepare("SELECT json_valid(metadata) FROM documents WHERE id = ?").pluck().get(row),
    ).toBe(0);
    return e;
  }

  it("leave the corpus listable with a metadata filter: the document does not match", async () => {
    const e = await withLegacyDocument();
    for (const filter of [
      "doc.category = 'billing'",
      "'refund' IN doc.tags",
      "doc.category <> 'x'",
    ]) {
      const listed = await send(
        e,
        "GET",
        `/v2/corpora/kb/documents?metadata_filter=${encodeURIComponent(filter)}`,
      );
      expect(listed.status, filter).toBe(200);
      expect(listed.body.documents?.map((d) => d.id)).toEqual(["plain"]);
    }
    // Unfiltered, it is listed with the fields that can be read.
    const all = await send(e, "GET", "/v2/corpora/kb/documents");
    expect(all.status).toBe(200);
    const listItem = { storage_usage: expect.any(Object), created_at: expect.any(String) };
    expect(all.body.documents).toEqual([
      { id: "old", metadata: { category: "billing", tags: ["refund"] }, ...listItem },
      { id: "plain", metadata: { category: "billing", tags: ["refund"] }, ...listItem },
    ]);
    // Every order lists it (by title it sorts by its id: its title cannot be read).
    for (const sort of ["newest", "title"]) {
      const sorted = await send(e, "GET", `/v2/corpora/kb/documents?sort=${sort}`);
      expect(sorted.status, sort).toBe(200);
      expect(sorted.body.documents?.map((d) => d.id).sort()).toEqual(["old", "plain"]);
    }
    expect((await send(e, "GET", "/v2/corpora/kb/documents/old")).status).toBe(200);
    // Deleting by filter works too, and leaves it alone.
    const bulk = await send(
      e,
      "DELETE",
      `/v2/corpora/kb/documents?metadata_filter=${encodeURIComponent("doc.category = 'x'")}`,
    );
    expect(bulk.status).toBe(200);
    e.close();
  });

  it("leave the corpus queryable, with and without filters", async () => {
    const e = await withLegacyDocument();
    const query = (filter?: string) =>
      send(
        e,
        "POST",
        "/v2/query",
        JSON.stringify({
          query: "refunds card",
          search: { corpora: [{ corpus_key: "kb", metadata_filter: filter }], limit: 10 },
        }),
      );
    for (const filter of ["doc.category = 'billing'", "part.tier = 1", "'refund' IN doc.tags"]) {
      const answer = await query(filter);
      expect(answer.status, filter).toBe(200);
      expect(new Set(answer.body.search_results?.map((r) => r.document_id))).toEqual(
        new Set(["plain"]),
      );
    }
    const unfiltered = await query();
    expect(unfiltered.status).toBe(200);
    expect(new Set(unfiltered.body.search_results?.map((r) => r.document_id))).toEqual(
      new Set(["plain", "old"]),
    );
    // A PATCH repairs it: what could not be read is not written back.
    const patched = await send(
      e,
      "PATCH",
      "/v2/corpora/kb/documents/old",
      JSON.stringify({ metadata: { category: "refunds" } }),
    );
    expect(patched.status).toBe(200);
    const listed = await send(
      e,
      "GET",
      `/v2/corpora/kb/documents?metadata_filter=${encodeURIComponent("doc.category = 'refunds'")}`,
    );
    expect(listed.body.documents).toEqual([
      {
        id: "old",
        metadata: { category: "refunds", tags: ["refund"] },
        storage_usage: expect.any(Object),
        created_at: expect.any(String),
      },
    ]);
    e.close();
  });

  it("do not stop a database that holds them from migrating", () => {
    const db = openDatabase(":memory:", migrations.slice(0, 3));
    db.prepare("INSERT INTO corpora (key, name, created_at) VALUES ('kb', 'kb', '')").run();
    db.prepare(
      "INSERT INTO documents (corpus_id, doc_id, metadata, created_at) VALUES (1, 'old', ?, '')",
    ).run(legacy('"title":"Old"'));
    expect(() => migrate(db, migrations)).not.toThrow();
    expect(db.prepare("SELECT COUNT(*) FROM docs_fts").pluck().get()).toBe(1);
    db.close();
  });

  it("parseStoredObject keeps what SQLite can read and drops the rest", () => {
    expect(parseStoredObject('{"a":1}')).toEqual({ a: 1 });
    expect(parseStoredObject(`{"a":1,"b":${deepText(998)}}`)).toHaveProperty("b");
    expect(parseStoredObject(`{"a":1,"b":${deepText(5000)}}`)).toEqual({ a: 1 });
  });
});
