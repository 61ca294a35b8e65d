import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { Agent, request as httpRequest, type IncomingHttpHeaders } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { brotliDecompressSync, gunzipSync, inflateSync } from "node:zlib";
import { expect, test } from "@playwright/test";
import fc from "fast-check";
import { E2E_API_KEY } from "./support/keys";
import { waitForDemoKb } from "./support/local-api";
import { signedInContext } from "./support/staff";

/**
 * A seeded fuzz run over every route Parley serves: the engine's /v2 API and OAuth token
 * endpoints, the visitor routes, the staff routes, the pages and paths that do not exist,
 * with and without credentials. fast-check generates the requests (`fc.sample`, so a seed
 * gives the same list every time); they are sent over raw HTTP (node:http, so methods like
 * TRACE and paths like `/v2/../x` or `%ff` reach the server as written) a few at a time
 * until the list or the time budget runs out. Every response must be below 500, and every
 * error on an /api, /v2 or /oauth path must carry Vectara's error shape (`messages`, an
 * array of strings; the token endpoints may answer RFC 6749's `error`). Afterwards the
 * server must still be healthy and answer a question.
 *
 * Replay: `FUZZ_SEED=<seed> npx playwright test e2e/fuzz.spec.ts` (the seed is printed
 * with every failure); FUZZ_COUNT and FUZZ_BUDGET_MS change the size of a run.
 *
 * Shared state other specs rely on is never the target of a valid destructive request:
 * writes to /v2 corpora go to this run's own corpus (support_kb is only read), the admin
 * upload only ever gets bodies it must refuse, the admin document delete never names a
 * demo article, and the visitor's and staff's writes only reach this run's own chats, in
 * ways that keep them off the top of the triage queue (see `guard`).
 */

const SEED = readInt("FUZZ_SEED", 20_260_514);
const COUNT = readInt("FUZZ_COUNT", 4_000);
const BUDGET_MS = readInt("FUZZ_BUDGET_MS", 60_000);
const CONCURRENCY = 8;
const REQUEST_TIMEOUT_MS = 30_000;

function readInt(name: string, fallback: number): number {
  const raw = process.env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value)) throw new Error(`${name} must be a whole number, not '${raw}'`);
  return value;
}

// ---------------------------------------------------------------------------------------
// What a generated request is. Ids of things this run creates are placeholders (`{{chat}}`)
// filled in when the request is sent, so the generated list depends on the seed alone.
// ---------------------------------------------------------------------------------------

type Cred =
  | "none"
  | "badKey"
  | "badBearer"
  | "apiKey"
  | "bearerKey"
  | "servingKey"
  | "oauthToken"
  | "visitor"
  | "forgedVisitor"
  | "agent"
  | "admin"
  | "forgedStaff";

interface Body {
  contentType?: string;
  data: string | Uint8Array;
}

interface FuzzRequest {
  /** The endpoint it was generated from, e.g. `POST /v2/chats/:chat/turns`. */
  route: string;
  method: string;
  path: string;
  cred: Cred;
  headers: Record<string, string>;
  body?: Body;
}

interface Area {
  creds: Cred[];
}
/** Credentials an area's requests carry, weighted: mostly the ones that get past the door. */
const V2: Area = {
  creds: [
    "none",
    "badKey",
    "badBearer",
    "apiKey",
    "apiKey",
    "apiKey",
    "apiKey",
    "bearerKey",
    "servingKey",
    "oauthToken",
  ],
};
const VISITOR: Area = {
  creds: ["none", "visitor", "visitor", "visitor", "forgedVisitor", "admin"],
};
const STAFF: Area = {
  creds: ["none", "agent", "admin", "admin", "admin", "forgedStaff", "visitor"],
};
const PAGE: Area = { creds: ["none", "visitor", "agent", "admin", "forgedStaff", "forgedVisitor"] };
const OPEN: Area = { creds: ["none", "apiKey", "visitor", "badBearer"] };

type BodyArb = fc.Arbitrary<Body | undefined>;

interface Endpoint {
  area: Area;
  /** Path with `:param` segments (see `paramArb`). */
  path: string;
  /** The methods it serves; others are tried too. */
  methods: string[];
  body?: BodyArb;
  query?: fc.Arbitrary<string>;
}

const ALL_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];
const ODD_METHODS = ["TRACE", "PROPFIND", "TRACK", "MKCOL", "PURGE", "LINK", "QUERY", "M-SEARCH"];

// ---------------------------------------------------------------------------------------
// Values
// ---------------------------------------------------------------------------------------

const UNRESERVED = /[A-Za-z0-9\-._~]/;
/** Percent-encodes the UTF-8 of a string (lone surrogates become U+FFFD, as Buffer does). */
const pct = (s: string) =>
  [...Buffer.from(s, "utf8")]
    .map((b) => {
      const c = String.fromCharCode(b);
      return UNRESERVED.test(c) ? c : `%${b.toString(16).toUpperCase().padStart(2, "0")}`;
    })
    .join("");

/** Space-separated; `\u00e9` goes out as the raw byte 0xE9, which is not UTF-8. */
const SPECIAL_SEGMENTS = (
  "%ff %C0%AF %ED%A0%80 %00 .. . %2e%2e %2F %5C \\ a%2Fb % %zz %25 %E2%80%AE %EF%BB%BF ~ ' ; , * $ @ : " +
  "null undefined -1 0 1e309 NaN cht_ trn_ app_ __proto__ constructor support_kb %C3%A9t%C3%A9 \u00e9"
).split(" ");

/** A path segment meant to break things (already in wire form). */
const fuzzSegment: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.constantFrom(...SPECIAL_SEGMENTS), weight: 5 },
  { arbitrary: fc.string({ maxLength: 40 }).map(pct), weight: 3 },
  { arbitrary: fc.string({ unit: "grapheme", maxLength: 20 }).map(pct), weight: 2 },
  { arbitrary: fc.string({ unit: "binary", maxLength: 10 }).map(pct), weight: 1 },
  {
    // Raw bytes as percent-escapes: mostly not UTF-8.
    arbitrary: fc
      .uint8Array({ minLength: 1, maxLength: 8 })
      .map((b) => [...b].map((x) => `%${x.toString(16).padStart(2, "0")}`).join("")),
    weight: 2,
  },
  {
    arbitrary: fc
      .tuple(
        fc.constantFrom("cht_", "trn_", "app_", "key_", "doc-"),
        fc.stringMatching(/^[\w-]{1,30}$/),
      )
      .map(([p, s]) => p + s),
    weight: 3,
  },
  { arbitrary: fc.integer({ min: 200, max: 7_000 }).map((n) => "a".repeat(n)), weight: 1 },
  { arbitrary: fc.integer({ min: 20, max: 1_500 }).map((n) => "%41".repeat(n)), weight: 1 },
);

/** Values that are the wrong type, size or kind for almost any field. */
const weirdValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(
    null,
    true,
    false,
    0,
    -1,
    1.5,
    2 ** 53 + 2,
    -(2 ** 31) - 1,
    1e308,
    "",
    " ",
    "null",
    "\u0000",
    "\ud800",
    "\u202e",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "(a+)+$",
    "doc.x = 'y'",
    [],
    {},
    [null],
    { "": "" },
  ),
  fc.string({ maxLength: 30 }),
  fc.string({ unit: "binary", maxLength: 30 }),
  fc.integer(),
  fc.double(),
  fc.jsonValue({ maxDepth: 3 }),
  fc.integer({ min: 1_000, max: 100_000 }).map((n) => "x".repeat(n)),
  fc.integer({ min: 30, max: 800 }).map((n) => nested(n)),
);

/** An object nested n levels deep, built without recursion. */
function nested(depth: number): unknown {
  let value: unknown = 1;
  for (let i = 0; i < depth; i++) value = i % 2 ? [value] : { a: value };
  return value;
}

const text = (max = 60) =>
  fc.oneof(
    { arbitrary: fc.lorem({ maxCount: 8 }), weight: 3 },
    { arbitrary: fc.string({ unit: "grapheme", minLength: 1, maxLength: max }), weight: 1 },
  );

const question = fc.constantFrom(
  "How do I reset my password?",
  "Can I get a refund on my yearly plan?",
  "How do I invite a colleague?",
  "What does the Slack integration do?",
  "hello",
  "billing",
);

// ---------------------------------------------------------------------------------------
// Bodies: a valid shape, mutated, or something else entirely
// ---------------------------------------------------------------------------------------

interface Mutation {
  at: number;
  op: "set" | "delete" | "add" | "wrap";
  key: string;
  value: unknown;
}

const mutationArb: fc.Arbitrary<Mutation> = fc.record({
  at: fc.nat(),
  op: fc.constantFrom("set", "set", "delete", "add", "wrap"),
  key: fc.oneof(
    fc.constantFrom("__proto__", "constructor", "prototype", "", "id", "type", "enabled", "query"),
    fc.string({ maxLength: 12 }),
  ),
  value: weirdValue,
});

/** Every container and leaf of a JSON tree, with its parent, so a mutation can pick one. */
function slots(root: unknown): { parent: Record<string, unknown> | unknown[]; key: string }[] {
  const out: { parent: Record<string, unknown> | unknown[]; key: string }[] = [];
  const stack: unknown[] = [root];
  while (stack.length) {
    const node = stack.pop();
    if (node === null || typeof node !== "object") continue;
    for (const key of Object.keys(node)) {
      out.push({ parent: node as Record<string, unknown>, key });
      stack.push((node as Record<string, unknown>)[key]);
    }
  }
  return out;
}

function setOwn(target: object, key: string, value: unknown) {
  Object.defineProperty(target, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}

function mutate(value: unknown, mutations: Mutation[]): unknown {
  const root = { root: structuredClone(value) };
  for (const m of mutations) {
    const all = slots(root);
    const slot = all[m.at % all.length];
    if (!slot) continue;
    const current = (slot.parent as Record<string, unknown>)[slot.key];
    switch (m.op) {
      case "set":
        setOwn(slot.parent, slot.key, m.value);
        break;
      case "delete":
        if (slot.parent === root) setOwn(root, "root", m.value);
        else if (Array.isArray(slot.parent)) slot.parent.splice(Number(slot.key), 1);
        else delete (slot.parent as Record<string, unknown>)[slot.key];
        break;
      case "add":
        if (current !== null && typeof current === "object" && !Array.isArray(current)) {
          setOwn(current, m.key, m.value);
        } else {
          setOwn(slot.parent, slot.key, m.value);
        }
        break;
      case "wrap":
        setOwn(slot.parent, slot.key, [current, current]);
        break;
    }
  }
  return root.root;
}

const json = (value: unknown): Body => ({
  contentType: "application/json",
  data: JSON.stringify(value) ?? "null",
});

/** Bodies that are not what any route wants. */
const garbageBody: fc.Arbitrary<Body> = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }).map(json),
  fc
    .constantFrom(
      "",
      "{",
      "}",
      "[",
      "nul",
      "{'a':1}",
      '{"a":1,}',
      '{"a":1}{"b":2}',
      '{"a":"\\ud800"}',
      '{"__proto__":{"polluted":true}}',
      '{"constructor":{"prototype":{"polluted":true}}}',
      "\ufeff{}",
      "1e999999",
      "-",
      '"unterminated',
    )
    .map((data) => ({ contentType: "application/json", data })),
  fc.uint8Array({ maxLength: 4096 }).map((data) => ({
    contentType: "application/octet-stream",
    data,
  })),
  fc
    .tuple(fc.constantFrom("[", '{"a":'), fc.integer({ min: 100, max: 40_000 }))
    .map(([open, n]) => {
      const close = open === "[" ? "]" : "}";
      return { contentType: "application/json", data: `${open.repeat(n)}1${close.repeat(n)}` };
    }),
  fc
    .integer({ min: 10_000, max: 100_000 })
    .map((n) => json({ query: "q".repeat(n), text: "t".repeat(n) })),
  fc.integer({ min: 10_000, max: 100_000 }).map((n) => ({
    contentType: "text/plain",
    data: "z".repeat(n),
  })),
  // JSON with bytes that are not UTF-8, and JSON in UTF-16.
  fc.uint8Array({ minLength: 1, maxLength: 16 }).map((bytes) => ({
    contentType: "application/json",
    data: Buffer.concat([
      Buffer.from('{"query":"'),
      Buffer.from(bytes.map((b) => b | 0x80)),
      Buffer.from('"}'),
    ]),
  })),
  fc.constant({
    contentType: "application/json; charset=utf-16le",
    data: Buffer.from('{"query":"hello"}', "utf16le"),
  }),
  fc
    .array(fc.tuple(fc.string({ maxLength: 10 }), fc.string({ maxLength: 20 })), { maxLength: 5 })
    .map((pairs) => ({
      contentType: "application/x-www-form-urlencoded",
      data: new URLSearchParams(pairs).toString(),
    })),
  fc.constant(undefined).chain(() => oddMultipart),
);

interface Part {
  name: string;
  filename?: string;
  type?: string;
  data: string | Uint8Array;
}

function multipart(parts: Part[], boundary: string, { close = true } = {}): Uint8Array {
  const chunks: Buffer[] = [];
  for (const p of parts) {
    const disposition = `form-data; name="${p.name}"${p.filename !== undefined ? `; filename="${p.filename}"` : ""}`;
    chunks.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: ${disposition}\r\n${p.type ? `Content-Type: ${p.type}\r\n` : ""}\r\n`,
      ),
    );
    chunks.push(Buffer.from(p.data));
    chunks.push(Buffer.from("\r\n"));
  }
  if (close) chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return Buffer.concat(chunks);
}

const fileBytes: fc.Arbitrary<{ filename: string; type: string; data: string | Uint8Array }> =
  fc.oneof(
    fc.record({
      filename: fc.constantFrom("notes.md", "faq.txt", "page.html", "x", ".md", "a/b.md"),
      type: fc.constantFrom("text/markdown", "text/plain", "text/html", ""),
      data: fc.oneof(fc.lorem({ maxCount: 40 }), fc.string({ unit: "binary", maxLength: 300 })),
    }),
    fc.record({
      filename: fc.constantFrom("doc.pdf", "doc.docx", "img.png", "archive.zip", "doc.PDF"),
      type: fc.constantFrom("application/pdf", "application/octet-stream", "image/png", ""),
      data: fc.oneof(
        fc.uint8Array({ maxLength: 2048 }),
        fc.uint8Array({ maxLength: 512 }).map((b) => Buffer.concat([Buffer.from("%PDF-1.7\n"), b])),
        fc
          .uint8Array({ maxLength: 512 })
          .map((b) => Buffer.concat([Buffer.from("PK\u0003\u0004"), b])),
      ),
    }),
  );

/**
 * Multipart bodies no route can take as one file upload: never exactly one part named
 * `file` with a file in it (see `guard` for why that matters).
 */
const oddMultipart: fc.Arbitrary<Body> = fc
  .record({
    boundary: fc.constantFrom("fuzzboundary", "x", "----WebKitFormBoundary7MA4YWxkTrZu0gW"),
    declared: fc.constantFrom("same", "other", "none", "quoted"),
    close: fc.boolean(),
    parts: fc.oneof(
      fc.constant([] as Part[]),
      fileBytes.map((f) => [
        { name: "file", ...f },
        { name: "file", ...f },
      ]),
      fileBytes.map((f) => [{ name: "files", ...f }]),
      fc.string({ maxLength: 50 }).map((data) => [{ name: "file", data }]),
      fc.tuple(fileBytes, weirdValue).map(([f, v]) => [
        { name: "file", ...f },
        { name: "metadata", data: JSON.stringify(v) ?? "" },
        { name: "junk", data: "1" },
      ]),
      fc.array(
        fc.record({
          name: fc.string({ maxLength: 10 }).map((s) => s.replace(/"/g, "")),
          data: fc.string(),
        }),
        { maxLength: 4 },
      ),
    ),
  })
  .map(({ boundary, declared, close, parts }) => ({
    contentType:
      declared === "none"
        ? "multipart/form-data"
        : `multipart/form-data; boundary=${declared === "quoted" ? `"${boundary}"` : declared === "same" ? boundary : "other"}`,
    data: multipart(parts, boundary, { close }),
  }));

/** A valid-shaped body (placeholders allowed), sometimes mutated, sometimes replaced. */
function shaped(valid: fc.Arbitrary<unknown>): BodyArb {
  return fc.oneof(
    { arbitrary: valid.map(json), weight: 5 },
    {
      arbitrary: fc
        .tuple(valid, fc.array(mutationArb, { minLength: 1, maxLength: 3 }))
        .map(([v, ms]) => json(mutate(v, ms))),
      weight: 5,
    },
    { arbitrary: garbageBody, weight: 2 },
    { arbitrary: fc.constant(undefined), weight: 1 },
  );
}

const anyBody: BodyArb = fc.option(garbageBody, { freq: 3 });

// Valid shapes, per endpoint.
const corpusRef = fc.constantFrom("{{corpus}}", "{{corpus}}", "support_kb", "no_such_corpus");
const filterAttribute = fc.record({
  name: fc.constantFrom("category", "lang", "year", "tags"),
  level: fc.constantFrom("document", "part"),
  type: fc.constantFrom("integer", "real_number", "text", "boolean", "list[text]"),
});
const metadata = fc.dictionary(
  fc.constantFrom("category", "year", "tags", "title", "source"),
  fc.oneof(
    fc.string({ maxLength: 20 }),
    fc.integer(),
    fc.boolean(),
    fc.array(fc.string({ maxLength: 8 }), { maxLength: 3 }),
  ),
  { maxKeys: 4 },
);
const metadataFilter = fc.oneof(
  fc.constantFrom(
    "doc.category = 'billing'",
    "doc.year > 2020",
    "part.lang = 'eng'",
    "doc.category IN ('a', 'b')",
    "doc.tags = 'x' AND (doc.year < 3 OR doc.category IS NULL)",
    "doc.",
    "((((",
    "doc.category = 'unterminated",
    "doc.x LIKE '%'",
  ),
  fc.string({ maxLength: 60 }),
);
const searchBlock = fc.record(
  {
    corpora: fc.array(
      fc.record(
        {
          corpus_key: corpusRef,
          metadata_filter: metadataFilter,
          lexical_interpolation: fc.double({ min: 0, max: 1, noNaN: true }),
        },
        { requiredKeys: ["corpus_key"] },
      ),
      { minLength: 1, maxLength: 3 },
    ),
    limit: fc.integer({ min: 1, max: 50 }),
    offset: fc.integer({ min: 0, max: 20 }),
    reranker: fc.oneof(
      fc.constant({ type: "mmr", diversity_bias: 0.3 }),
      fc.constant({ type: "none" }),
      fc.constant({ type: "userfn", user_function: "get('$.score') * 2" }),
      fc.constant({ type: "chain", rerankers: [{ type: "mmr" }, { type: "none" }] }),
    ),
    context_configuration: fc.record({
      sentences_before: fc.integer({ min: 0, max: 3 }),
      sentences_after: fc.integer({ min: 0, max: 3 }),
    }),
  },
  { requiredKeys: ["corpora"] },
);
const generationBlock = fc.record(
  {
    max_used_search_results: fc.integer({ min: 1, max: 10 }),
    enable_factual_consistency_score: fc.boolean(),
    generation_preset_name: fc.constantFrom("vectara-summary-ext-24-05-med-omni", "nope"),
    citations: fc.record({ style: fc.constantFrom("numeric", "none", "markdown") }),
  },
  { requiredKeys: [] },
);
const queryBody = fc.record(
  {
    query: question,
    search: searchBlock,
    generation: generationBlock,
    stream_response: fc.boolean(),
  },
  { requiredKeys: ["query", "search"] },
);
const chatBody = fc.record(
  {
    query: question,
    search: searchBlock,
    generation: generationBlock,
    chat: fc.record({ store: fc.boolean() }),
    stream_response: fc.boolean(),
    intelligent_query_rewriting: fc.boolean(),
  },
  { requiredKeys: ["query", "search"] },
);
const documentBody = fc.oneof(
  fc.record({
    type: fc.constant("core"),
    id: fc.oneof(
      fc.constantFrom("{{doc}}", "fuzz/doc.md"),
      fc.string({ minLength: 1, maxLength: 30 }),
    ),
    metadata,
    document_parts: fc.array(fc.record({ text: text(200), metadata }), {
      minLength: 1,
      maxLength: 4,
    }),
  }),
  fc.record({
    type: fc.constant("structured"),
    id: fc.oneof(fc.constant("fuzz-structured"), fc.string({ minLength: 1, maxLength: 30 })),
    title: text(),
    metadata,
    sections: fc.array(
      fc.record({
        title: text(),
        text: text(300),
        sections: fc.array(fc.record({ text: text(100) }), { maxLength: 2 }),
      }),
      { minLength: 1, maxLength: 3 },
    ),
    chunking_strategy: fc.constantFrom(
      { type: "sentence_chunking_strategy" },
      { type: "max_chars_chunking_strategy", max_chars_per_chunk: 512 },
    ),
  }),
);
const oauthFields = fc.record(
  {
    grant_type: fc.constantFrom("client_credentials", "client_credentials", "password", ""),
    client_id: fc.constantFrom("{{oauthClientId}}", "nobody"),
    client_secret: fc.constantFrom("{{oauthClientSecret}}", "wrong"),
    scope: fc.string({ maxLength: 10 }),
  },
  { requiredKeys: [] },
);
const oauthBody: BodyArb = fc.oneof(
  oauthFields.map((f) => ({
    contentType: "application/x-www-form-urlencoded",
    data: new URLSearchParams(f as Record<string, string>).toString(),
  })),
  oauthFields.map(json),
  shaped(oauthFields),
);
const uiMessage = (text: fc.Arbitrary<string>) =>
  fc.record({
    id: fc.stringMatching(/^[A-Za-z0-9]{1,16}$/),
    role: fc.constant("user"),
    parts: fc.tuple(fc.record({ type: fc.constant("text"), text })),
  });

/** Upload bodies the admin route must refuse (it uploads into support_kb when valid). */
const adminUploadBody: BodyArb = fc.oneof(oddMultipart, garbageBody, fc.constant(undefined));

const upload: BodyArb = fc.oneof(
  {
    arbitrary: fc
      .tuple(fileBytes, fc.option(metadata), fc.option(fc.constantFrom("fuzz-upload.md", "")))
      .map(([f, meta, filename]) => {
        const parts: Part[] = [{ name: "file", ...f }];
        if (meta) parts.push({ name: "metadata", data: JSON.stringify(meta) });
        if (filename !== null) parts.push({ name: "filename", data: filename });
        return {
          contentType: "multipart/form-data; boundary=fuzzboundary",
          data: multipart(parts, "fuzzboundary"),
        };
      }),
    weight: 3,
  },
  { arbitrary: oddMultipart, weight: 3 },
  { arbitrary: garbageBody, weight: 1 },
);

// Query strings.
const queryValue = fc.oneof(
  fc.constantFrom(
    "",
    ..."-1 0 1 10 100 1000 1e9 1.5 abc null %ff %00 (a+)+$ ^cht_ [ true".split(" "),
  ),
  fc.string({ maxLength: 30 }).map(pct),
  metadataFilter.map(pct),
  fc.integer({ min: 500, max: 5000 }).map((n) => "a".repeat(n)),
);
function queryArb(keys: string[]): fc.Arbitrary<string> {
  return fc
    .array(
      fc.tuple(
        fc.oneof(fc.constantFrom(...keys), fc.string({ maxLength: 8 }).map(pct)),
        queryValue,
      ),
      {
        maxLength: 4,
      },
    )
    .map((pairs) => (pairs.length ? `?${pairs.map(([k, v]) => `${k}=${v}`).join("&")}` : ""));
}
const v2ListQuery = queryArb([
  "limit",
  "page_key",
  "filter",
  "corpus_id",
  "metadata_filter",
  "chat_ids",
]);

// ---------------------------------------------------------------------------------------
// The routes, from app/**/route.ts, the pages, and lib/engine/http/handlers/*.ts
// ---------------------------------------------------------------------------------------

const ENDPOINTS: Endpoint[] = [
  // The engine's /v2 API.
  { area: V2, path: "/v2/corpora", methods: ["GET"], query: v2ListQuery },
  {
    area: V2,
    path: "/v2/corpora",
    methods: ["POST"],
    body: shaped(
      fc.record(
        {
          key: fc.nat({ max: 30 }).map((n) => `fuzz_{{seed}}_${n}`),
          name: text(),
          description: text(),
          save_history: fc.boolean(),
          filter_attributes: fc.array(filterAttribute, { maxLength: 3 }),
          custom_dimensions: fc.array(fc.record({ name: fc.constantFrom("boost", "x") }), {
            maxLength: 2,
          }),
        },
        { requiredKeys: ["key"] },
      ),
    ),
  },
  { area: V2, path: "/v2/corpora/:corpus", methods: ["GET", "DELETE"] },
  {
    area: V2,
    path: "/v2/corpora/:corpus",
    methods: ["PATCH"],
    body: shaped(
      fc.record(
        {
          enabled: fc.constant(true),
          name: text(),
          description: text(),
          save_history: fc.boolean(),
        },
        { requiredKeys: [] },
      ),
    ),
  },
  { area: V2, path: "/v2/corpora/:corpus/reset", methods: ["POST"] },
  { area: V2, path: "/v2/corpora/:corpus/compute_size", methods: ["POST"] },
  {
    area: V2,
    path: "/v2/corpora/:corpus/replace_filter_attributes",
    methods: ["POST"],
    body: shaped(fc.record({ filter_attributes: fc.array(filterAttribute, { maxLength: 4 }) })),
  },
  {
    area: V2,
    path: "/v2/corpora/:corpus/documents",
    methods: ["GET", "DELETE"],
    query: queryArb(["limit", "metadata_filter", "page_key", "document_ids", "async"]),
  },
  {
    area: V2,
    path: "/v2/corpora/:corpus/documents",
    methods: ["POST"],
    body: shaped(documentBody),
  },
  { area: V2, path: "/v2/corpora/:corpus/documents/:doc", methods: ["GET", "DELETE"] },
  {
    area: V2,
    path: "/v2/corpora/:corpus/documents/:doc",
    methods: ["PATCH"],
    body: shaped(fc.record({ metadata })),
  },
  {
    area: V2,
    path: "/v2/corpora/:corpus/documents/:doc/metadata",
    methods: ["PUT"],
    body: shaped(fc.record({ metadata })),
  },
  { area: V2, path: "/v2/corpora/:corpus/upload_file", methods: ["POST"], body: upload },
  { area: V2, path: "/v2/query", methods: ["POST"], body: shaped(queryBody) },
  {
    area: V2,
    path: "/v2/corpora/:corpus/query",
    methods: ["POST"],
    body: shaped(
      fc.record(
        {
          query: question,
          search: fc.record(
            { limit: fc.integer({ min: 1, max: 20 }), metadata_filter: metadataFilter },
            { requiredKeys: [] },
          ),
          generation: generationBlock,
          stream_response: fc.boolean(),
        },
        { requiredKeys: ["query"] },
      ),
    ),
  },
  {
    area: V2,
    path: "/v2/corpora/:corpus/query",
    methods: ["GET"],
    query: queryArb([
      "query",
      "limit",
      "offset",
      "save_history",
      "metadata_filter",
      "lexical_interpolation",
    ]),
  },
  { area: V2, path: "/v2/chats", methods: ["GET"], query: v2ListQuery },
  { area: V2, path: "/v2/chats", methods: ["POST"], body: shaped(chatBody) },
  { area: V2, path: "/v2/chats/:chat", methods: ["GET", "DELETE"] },
  {
    area: V2,
    path: "/v2/chats/:chat/turns",
    methods: ["GET"],
    query: queryArb(["limit", "page_key"]),
  },
  { area: V2, path: "/v2/chats/:chat/turns", methods: ["POST"], body: shaped(chatBody) },
  { area: V2, path: "/v2/chats/:chat/turns/:turn", methods: ["GET", "DELETE"] },
  {
    area: V2,
    path: "/v2/chats/:chat/turns/:turn",
    methods: ["PATCH"],
    body: shaped(fc.record({ enabled: fc.boolean() })),
  },
  { area: V2, path: "/v2/api_keys", methods: ["GET"], query: v2ListQuery },
  {
    area: V2,
    path: "/v2/api_keys",
    methods: ["POST"],
    body: shaped(
      fc.record({
        name: text(),
        api_key_role: fc.constantFrom("serving", "serving_and_indexing", "personal"),
        corpus_keys: fc.constantFrom(["{{corpus}}"], null, []),
      }),
    ),
  },
  { area: V2, path: "/v2/api_keys/:apiKey", methods: ["GET", "DELETE"] },
  {
    area: V2,
    path: "/v2/api_keys/:apiKey",
    methods: ["PATCH"],
    body: shaped(fc.record({ enabled: fc.boolean() })),
  },
  { area: V2, path: "/v2/app_clients", methods: ["GET"], query: v2ListQuery },
  {
    area: V2,
    path: "/v2/app_clients",
    methods: ["POST"],
    body: shaped(
      fc.record(
        {
          type: fc.constant("client_credentials"),
          name: text(),
          description: text(),
          api_roles: fc.constantFrom(["serving"], ["owner"], ["administrator"], []),
          api_key_role: fc.constantFrom("serving", "serving_and_indexing", "personal"),
          corpus_keys: fc.constantFrom(["{{corpus}}"], null),
        },
        { requiredKeys: ["name"] },
      ),
    ),
  },
  { area: V2, path: "/v2/app_clients/:appClient", methods: ["GET", "DELETE"] },
  {
    area: V2,
    path: "/v2/app_clients/:appClient",
    methods: ["PATCH"],
    body: shaped(
      fc.record(
        {
          name: text(),
          description: text(),
          enabled: fc.boolean(),
          corpus_keys: fc.constantFrom(["{{corpus}}"], null),
        },
        { requiredKeys: [] },
      ),
    ),
  },
  { area: V2, path: "/v2/generation_presets", methods: ["GET"], query: v2ListQuery },
  { area: V2, path: "/v2", methods: ["GET"] },
  { area: V2, path: "/v2/:any", methods: ["GET", "POST"] },
  { area: V2, path: "/v2/corpora/:corpus/:any", methods: ["GET", "POST"] },
  { area: V2, path: "/v2/chats/:chat/turns/:turn/:any", methods: ["GET"] },
  // OAuth token endpoints (engine, outside the router).
  { area: OPEN, path: "/oauth2/token", methods: ["POST"], body: oauthBody },
  { area: OPEN, path: "/oauth/token", methods: ["POST"], body: oauthBody },
  { area: OPEN, path: "/oauth/:any", methods: ["POST", "GET"] },
  // Visitor routes.
  {
    area: VISITOR,
    path: "/api/chat",
    methods: ["POST"],
    body: shaped(
      fc.record({
        chatId: fc.constantFrom("{{chat}}", null, "cht_doesnotexist"),
        message: uiMessage(question),
      }),
    ),
  },
  { area: VISITOR, path: "/api/chats/:chat", methods: ["DELETE"] },
  {
    area: VISITOR,
    path: "/api/feedback",
    methods: ["POST"],
    body: shaped(
      fc.record(
        {
          chatId: fc.constantFrom("{{chat}}", "cht_doesnotexist"),
          turnId: fc.constantFrom("{{turn}}", "trn_doesnotexist"),
          rating: fc.constantFrom("up", null),
          reason: text(),
          reported: fc.constant(false),
        },
        { requiredKeys: ["chatId", "turnId", "rating"] },
      ),
    ),
  },
  { area: VISITOR, path: "/api/history", methods: ["GET"], query: queryArb(["cursor", "limit"]) },
  { area: OPEN, path: "/api/health", methods: ["GET"] },
  { area: OPEN, path: "/api", methods: ["GET"] },
  { area: OPEN, path: "/api/:any", methods: ["GET", "POST"] },
  // Staff routes.
  {
    area: STAFF,
    path: "/api/admin/documents",
    methods: ["GET"],
    query: queryArb(["filter", "page_key"]),
  },
  { area: STAFF, path: "/api/admin/documents/:adminDoc", methods: ["DELETE"] },
  { area: STAFF, path: "/api/admin/documents/:adminDoc/:adminDoc", methods: ["DELETE"] },
  { area: STAFF, path: "/api/admin/upload", methods: ["POST"], body: adminUploadBody },
  { area: STAFF, path: "/api/admin/:any", methods: ["GET", "POST"] },
  {
    area: STAFF,
    path: "/api/agent/audit",
    methods: ["GET"],
    query: queryArb(["chat_id", "actor", "q", "cursor", "limit"]),
  },
  {
    area: STAFF,
    path: "/api/agent/chats",
    methods: ["GET"],
    query: queryArb(["filter", "chat_ids", "page_key", "limit"]),
  },
  {
    area: STAFF,
    path: "/api/agent/chats/:chat/export",
    methods: ["GET"],
    query: queryArb(["format"]),
  },
  {
    area: STAFF,
    path: "/api/agent/chats/:chat/notes",
    methods: ["POST"],
    body: shaped(fc.record({ body: text(200) })),
  },
  {
    area: STAFF,
    path: "/api/agent/chats/:chat/review",
    methods: ["PUT"],
    body: shaped(
      fc.record({
        status: fc.constantFrom("open", "reviewed"),
        assigneeId: fc.constantFrom(null, "usr_nobody", "{{staffUserId}}"),
      }),
    ),
  },
  {
    area: STAFF,
    path: "/api/agent/chats/:chat/turns/:turn/disable",
    methods: ["POST"],
    body: shaped(fc.record({ reason: text(100) })),
  },
  { area: STAFF, path: "/api/agent/triage", methods: ["GET"] },
  { area: STAFF, path: "/api/agent/:any", methods: ["GET"] },
  // Pages, and paths that are nothing.
  { area: PAGE, path: "/", methods: ["GET"], query: queryArb(["q", "chat"]) },
  { area: PAGE, path: "/chat/:chat", methods: ["GET"] },
  { area: PAGE, path: "/login", methods: ["GET"], query: queryArb(["next", "error"]) },
  { area: PAGE, path: "/agent", methods: ["GET"], query: queryArb(["filter", "view", "page_key"]) },
  { area: PAGE, path: "/agent/chats/:chat", methods: ["GET"] },
  {
    area: PAGE,
    path: "/agent/audit",
    methods: ["GET"],
    query: queryArb(["chat_id", "actor", "q", "cursor"]),
  },
  { area: PAGE, path: "/admin", methods: ["GET"], query: queryArb(["filter", "page_key"]) },
  { area: PAGE, path: "/admin/users", methods: ["GET"] },
  { area: PAGE, path: "/:any", methods: ["GET"] },
  { area: PAGE, path: "/:any/:any", methods: ["GET"] },
  { area: PAGE, path: "/_next/:any", methods: ["GET"] },
  { area: PAGE, path: "/icon.svg", methods: ["GET"] },
];

/** Valid values per parameter kind: this run's own things, or other known names. */
const VALID_PARAMS: Record<string, string[]> = {
  corpus: ["{{corpus}}", "{{corpus}}", "support_kb"],
  doc: ["{{doc}}"],
  chat: ["{{chat}}", "{{chat}}", "{{spareChat}}"],
  turn: ["{{turn}}"],
  apiKey: ["{{apiKeyId}}"],
  appClient: ["{{appClientId}}"],
  adminDoc: ["fuzz-missing.md", "uploads"],
  any: ["corpora", "chats", "token", "health", "nothing"],
};

function paramArb(kind: string): fc.Arbitrary<string> {
  const valid = VALID_PARAMS[kind] ?? ["x"];
  return fc.oneof(
    { arbitrary: fc.constantFrom(...valid), weight: 4 },
    { arbitrary: fuzzSegment, weight: 2 },
  );
}

const SAME_ORIGIN = "{{origin}}";
const extraHeaders: fc.Arbitrary<Record<string, string>> = fc
  .record(
    {
      origin: fc.constantFrom(
        SAME_ORIGIN,
        SAME_ORIGIN,
        "https://evil.example",
        "null",
        "not a url",
        "http://127.0.0.1:1",
      ),
      accept: fc.constantFrom(
        "text/event-stream",
        "application/json",
        "text/html",
        "*/*",
        "text/x-component",
        "garbage",
      ),
      "request-timeout-millis": fc.constantFrom("1", "0", "-5", "abc", "99999999999", "50"),
      "request-timeout": fc.constantFrom("1", "0", "x"),
      "x-forwarded-for": fc.constantFrom("1.2.3.4", "garbage, ,", "::1"),
      "x-forwarded-host": fc.constantFrom("evil.example", "127.0.0.1:3217", ""),
      "x-forwarded-proto": fc.constantFrom("https", "gopher"),
      range: fc.constantFrom("bytes=0-10", "bytes=-1", "bytes=x"),
      "accept-encoding": fc.constantFrom("gzip", "br", "identity;q=0", "*"),
      "accept-language": fc.constantFrom("fr", "*;q=abc"),
      rsc: fc.constantFrom("1"),
      "next-router-state-tree": fc.constantFrom("%5B%22%22%5D", "garbage", "[]"),
      "next-router-prefetch": fc.constantFrom("1"),
      "next-action": fc.constantFrom("0000000000000000000000000000000000000000", "x"),
      "x-parley-path": fc.constantFrom("/admin", "//evil"),
      "if-none-match": fc.constantFrom('"x"', "*"),
      "x-middleware-subrequest": fc.constantFrom(
        "middleware:middleware:middleware:middleware:middleware",
      ),
    },
    { requiredKeys: [] },
  )
  .chain((all) =>
    // None on most requests, a few on the rest: `rsc` alone turns a request into a redirect.
    fc.oneof(
      { arbitrary: fc.constant({}), weight: 3 },
      {
        arbitrary: fc
          .subarray(Object.keys(all), { minLength: 1, maxLength: 3 })
          .map((keys) =>
            Object.fromEntries(keys.map((k) => [k, all[k as keyof typeof all] as string])),
          ),
        weight: 2,
      },
    ),
  );

const CONTENT_TYPE_LIES = [
  "application/json",
  "text/plain",
  "multipart/form-data",
  "multipart/form-data; boundary=",
  "application/x-www-form-urlencoded",
  "application/json; charset=latin1",
  "application/vnd.api+json",
  "garbage",
  ";;;",
];

/** Routes that read a body get more of the run: that is where parsing can go wrong. */
const endpointArb = fc.oneof(
  ...ENDPOINTS.map((ep) => ({ arbitrary: fc.constant(ep), weight: ep.body ? 3 : 1 })),
);

const requestArb: fc.Arbitrary<FuzzRequest> = endpointArb.chain((ep) => {
  const segments = ep.path.split("/").filter(Boolean);
  const segmentArbs = segments.map((s) =>
    s.startsWith(":") ? paramArb(s.slice(1)) : fc.constant(s),
  );
  return fc
    .record({
      method: fc.oneof(
        { arbitrary: fc.constantFrom(...ep.methods), weight: 20 },
        { arbitrary: fc.constantFrom(...ALL_METHODS), weight: 3 },
        { arbitrary: fc.constantFrom(...ODD_METHODS), weight: 1 },
      ),
      segments: fc.tuple(...segmentArbs),
      slashes: fc.oneof({ arbitrary: fc.constant(""), weight: 12 }, fc.constantFrom("/", "//")),
      query: ep.query ?? fc.constant(""),
      cred: fc.oneof(
        { arbitrary: fc.constantFrom(...ep.area.creds), weight: 6 },
        {
          arbitrary: fc.constantFrom<Cred>("none", "apiKey", "visitor", "admin", "badKey"),
          weight: 1,
        },
      ),
      body: ep.body ?? anyBody,
      contentTypeLie: fc.option(fc.constantFrom(...CONTENT_TYPE_LIES), { freq: 5 }),
      headers: extraHeaders,
      bodyOnAnyMethod: fc.nat(9).map((n) => n === 0),
    })
    .map((r) => {
      const path = `/${r.segments.join("/")}${r.slashes}${r.query}`;
      let body = r.body;
      // Bodies go with the methods that take them; now and then with GET or OPTIONS too.
      if (r.method === "HEAD" || (["GET", "OPTIONS"].includes(r.method) && !r.bodyOnAnyMethod)) {
        body = undefined;
      }
      if (body && r.contentTypeLie !== null) body = { ...body, contentType: r.contentTypeLie };
      return {
        route: `${ep.methods.join("|")} ${ep.path}`,
        method: r.method,
        path,
        cred: r.cred,
        headers: r.headers,
        body,
      };
    });
});

// ---------------------------------------------------------------------------------------
// Sending
// ---------------------------------------------------------------------------------------

interface Fixtures {
  origin: string;
  values: Record<string, string>;
  creds: Record<Cred, Record<string, string>>;
  /** The demo knowledge base's document ids: the admin delete must never name one. */
  demoDocIds: Set<string>;
}

interface Sent {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Uint8Array;
}

const fill = (s: string, values: Record<string, string>, encode: boolean) =>
  s.replace(/\{\{(\w+)\}\}/g, (m, name: string) => {
    const v = values[name];
    if (v === undefined) return m;
    return encode ? encodeURIComponent(v) : v;
  });

/** Node refuses to send bytes outside 0x21–0xff in a request line: escape those. */
const wirePath = (path: string) => path.replace(/[^\u0021-\u00ff]/g, (c) => pct(c));

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** The ways a server could read a path: as routers split it, and as WHATWG URL resolves it. */
function readings(path: string): string[][] {
  const raw = path.split("?", 1)[0] ?? "";
  const out = [raw.split("/").filter(Boolean).map(decode)];
  for (const candidate of [raw, raw.replace(/[/\\]+/g, "/")]) {
    try {
      out.push(
        new URL(candidate, "http://fuzz.invalid").pathname.split("/").filter(Boolean).map(decode),
      );
    } catch {
      // Not a URL at all: the server refuses it.
    }
  }
  return out;
}

/** The path a request reaches once `.`, `..` (also `%2e`) and doubled slashes are resolved. */
function servedPath(path: string): string {
  const raw = (path.split("?", 1)[0] ?? "").replace(/[/\\]+/g, "/");
  try {
    return new URL(raw, "http://fuzz.invalid").pathname;
  } catch {
    return raw;
  }
}

const WRITES = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/**
 * Keeps a generated request from doing real damage to state other specs rely on; returns
 * the request to send (often the same one). Every rule looks at the path every way the
 * server might read it (`readings`), so `..`, `%2e%2e`, `%5f` and doubled slashes do not
 * get around it.
 */
function guard(req: Sent, fx: Fixtures): Sent {
  const own = fx.values as Record<"corpus" | "spareCorpus" | "chat" | "spareChat", string>;
  const { method } = req;
  let { path, body } = req;
  const query = path.includes("?") ? path.slice(path.indexOf("?")) : "";
  /** Rewrites the path, as resolved, when some reading of it matches `test`. */
  const rule = (
    test: (segs: string[], lower: string[]) => boolean,
    rewrite: (segs: string[]) => string[],
  ) => {
    const hit = readings(path).find((segs) =>
      test(
        segs,
        segs.map((s) => s.trim().toLowerCase()),
      ),
    );
    if (hit)
      path = `/${rewrite(hit)
        .map((s) => encodeURIComponent(s))
        .join("/")}${query}`;
  };
  // support_kb is only ever read: a write through /v2/corpora/support_kb goes to ours.
  rule(
    (_, l) =>
      l[0] === "v2" &&
      l[1] === "corpora" &&
      l[2] === "support_kb" &&
      WRITES.has(method) &&
      !(method === "POST" && l.length === 4 && l[3] === "query"),
    (segs) => ["v2", "corpora", own.corpus, ...segs.slice(3)],
  );
  // The admin delete never names a demo article.
  rule(
    (segs, l) =>
      l[0] === "api" &&
      l[1] === "admin" &&
      l[2] === "documents" &&
      [segs.slice(3).join("/"), segs.slice(3).join("/").trim()].some((id) => fx.demoDocIds.has(id)),
    () => ["api", "admin", "documents", "fuzz-missing.md"],
  );
  // This run's main chat and corpus stay: deleting, resetting or disabling them goes to
  // the spare ones, so the rest of the run still reaches the handlers behind them.
  rule(
    (segs) => method === "DELETE" && segs.includes(own.chat),
    (segs) => segs.map((s) => (s === own.chat ? own.spareChat : s)),
  );
  rule(
    (segs) =>
      segs[0] === "v2" &&
      segs[1] === "corpora" &&
      segs[2] === own.corpus &&
      ((method === "DELETE" && segs.length === 3) ||
        (method === "POST" && segs[3] === "reset") ||
        (method === "PATCH" && segs.length === 3)),
    (segs) => ["v2", "corpora", own.spareCorpus, ...segs.slice(3)],
  );
  if (body) {
    const text = Buffer.from(body).toString("latin1");
    // The admin upload writes into support_kb: it only ever gets a body it must refuse.
    const dispositions = text.match(/content-disposition/gi)?.length ?? 0;
    if (readings(path).some((s) => s[0] === "api" && s[1] === "admin" && s[2] === "upload")) {
      if (/name\s*=\s*"?file"?/i.test(text) && dispositions < 2) body = Buffer.from("{}");
    }
    // Nothing this run does may put its chats at the top of the triage queue (staff.spec
    // expects its own reported chat there): no escalations, downvotes or reports.
    if (/escalated|"down"|"reported"\s*:\s*true/i.test(text)) {
      body = Buffer.from(
        text
          .replace(/escalated/gi, "reviewed")
          .replace(/"down"/g, '"up"')
          .replace(/"reported"\s*:\s*true/gi, '"reported":false'),
        "latin1",
      );
    }
  }
  return { ...req, path, body };
}

function materialize(req: FuzzRequest, fx: Fixtures): Sent & { guarded: boolean } {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) headers[k] = fill(v, fx.values, false);
  Object.assign(headers, fx.creds[req.cred]);
  let body: Uint8Array | undefined;
  if (req.body) {
    body =
      typeof req.body.data === "string"
        ? Buffer.from(fill(req.body.data, fx.values, false))
        : req.body.data;
    if (req.body.contentType) headers["content-type"] = req.body.contentType;
  }
  const asGenerated = {
    method: req.method,
    path: wirePath(fill(req.path, fx.values, true)),
    headers,
    body,
  };
  const safe = guard(asGenerated, fx);
  return { ...safe, guarded: safe.path !== asGenerated.path || safe.body !== asGenerated.body };
}

interface Outcome {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  error?: string;
}

const MAX_RESPONSE_BYTES = 2 * 1024 * 1024;

/** The body as sent, uncompressed (the fuzz sometimes asks for gzip or br). */
function decoded(encoding: string | undefined, body: Buffer): Buffer {
  try {
    if (encoding === "gzip") return gunzipSync(body);
    if (encoding === "br") return brotliDecompressSync(body);
    if (encoding === "deflate") return inflateSync(body);
  } catch {
    // A cut-off body (over MAX_RESPONSE_BYTES) does not decompress: keep the raw bytes.
  }
  return body;
}

function send(baseUrl: URL, agent: Agent, req: Sent): Promise<Outcome> {
  return new Promise((resolve) => {
    const headers: Record<string, string | number> = { ...req.headers };
    if (req.body) headers["content-length"] = req.body.byteLength;
    let settled = false;
    const done = (o: Outcome) => {
      if (settled) return;
      settled = true;
      resolve(o);
    };
    let outgoing: ReturnType<typeof httpRequest>;
    try {
      outgoing = httpRequest(
        {
          host: baseUrl.hostname,
          port: baseUrl.port,
          method: req.method,
          path: req.path,
          headers,
          agent,
          timeout: REQUEST_TIMEOUT_MS,
          // A redirect may echo a long path in Location (and Refresh): a browser takes that.
          maxHeaderSize: 256 * 1024,
        },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on("data", (chunk: Buffer) => {
            size += chunk.length;
            if (size <= MAX_RESPONSE_BYTES) chunks.push(chunk);
          });
          res.on("end", () =>
            done({
              status: res.statusCode ?? 0,
              headers: res.headers,
              body: decoded(res.headers["content-encoding"], Buffer.concat(chunks)),
            }),
          );
          res.on("error", (e) =>
            done({
              status: res.statusCode ?? 0,
              headers: res.headers,
              body: Buffer.concat(chunks),
              error: `response: ${e.message}`,
            }),
          );
        },
      );
    } catch (e) {
      // The client would not send it (an invalid header value, say): not the server's fault.
      done({
        status: -1,
        headers: {},
        body: Buffer.alloc(0),
        error: `not sent: ${(e as Error).message}`,
      });
      return;
    }
    outgoing.on("timeout", () =>
      outgoing.destroy(new Error(`no answer in ${REQUEST_TIMEOUT_MS} ms`)),
    );
    outgoing.on("error", (e: NodeJS.ErrnoException) => {
      // A kept-alive socket the server closed as idle just as this request went out: the
      // request never reached it. Node's documented remedy is to send it again, once, on
      // a fresh socket, which is what browsers do (a reset on a fresh socket still counts).
      if (outgoing.reusedSocket && e.code === "ECONNRESET" && !settled) {
        settled = true;
        void send(baseUrl, agent, req).then(resolve);
        return;
      }
      done({ status: 0, headers: {}, body: Buffer.alloc(0), error: e.message });
    });
    outgoing.end(req.body);
  });
}

// ---------------------------------------------------------------------------------------
// Checking
// ---------------------------------------------------------------------------------------

const JSON_PATH = /^\/(?:api|v2|oauth2?)(?:\/|$)/;
const TOKEN_PATH = /^\/oauth2?\/token\/?$/;

/** What is wrong with a response, if anything. */
function violation(req: Sent, out: Outcome): string | undefined {
  if (out.status === -1) return undefined;
  if (out.error) return `transport: ${out.error}`;
  if (out.status >= 500) return `status ${out.status}`;
  if (out.status < 400 || req.method === "HEAD") return undefined;
  // Errors on API paths must be JSON in the shared error shape. What decides is the path
  // as resolved (`/v2/..` is the home page), not as written.
  const served = servedPath(req.path);
  if (!JSON_PATH.test(served)) return undefined;
  let body: unknown;
  try {
    body = JSON.parse(out.body.toString("utf8"));
  } catch {
    return `${out.status} error body is not JSON (${out.headers["content-type"] ?? "no content-type"})`;
  }
  const record = (body ?? {}) as Record<string, unknown>;
  const messages = record.messages;
  if (
    Array.isArray(messages) &&
    messages.length > 0 &&
    messages.every((m) => typeof m === "string")
  ) {
    return undefined;
  }
  if (TOKEN_PATH.test(served) && typeof record.error === "string") {
    return undefined;
  }
  return `${out.status} error body has neither messages[] nor (token endpoint) error`;
}

interface Finding {
  index: number;
  route: string;
  cred: Cred;
  method: string;
  path: string;
  status: number;
  problem: string;
  /** The response body's start. */
  body: string;
  contentType?: string;
  /** No security headers on the response: Parley's server never saw the request. */
  beforeGate: boolean;
  /** The request's headers, credentials left out (`cred` names them), and its body's start. */
  headers: Record<string, string>;
  requestBody?: string;
}

const CREDENTIAL_HEADERS = new Set(["cookie", "x-api-key", "authorization"]);

/**
 * One line per kind of violation (the problem, who answered, and the first path segment),
 * with a few examples from different routes: a root cause shows once, however many
 * requests met it.
 */
function report(findings: Finding[], sent: number, elapsedMs: number): string {
  const groups = new Map<string, Finding[]>();
  for (const f of findings) {
    const area = f.path.split(/[/?]/)[1] ?? "";
    const who = f.beforeGate ? ", before Parley's server saw it (Node's HTTP parser)" : "";
    const key = `${f.problem}${who}, under /${area.slice(0, 20)}`;
    groups.set(key, [...(groups.get(key) ?? []), f]);
  }
  const example = (f: Finding) => {
    const path = f.path.length > 120 ? `${f.path.slice(0, 120)}…(${f.path.length})` : f.path;
    const type = Object.entries(f.headers)
      .map(([k, v]) => `, ${k}: ${v.slice(0, 40)}`)
      .join("");
    const body = f.body.slice(0, 200).replace(/\s+/g, " ");
    return `    #${f.index} ${f.method} ${path} [${f.cred}${type}] → ${f.status}: ${body}`;
  };
  const lines = [...groups.entries()].map(([key, list]) => {
    const seen = new Set<string>();
    const distinct = list.filter((f) => {
      const k = `${f.method} ${f.route}`;
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    });
    return [`- ${key}: ×${list.length}`, ...distinct.slice(0, 3).map(example)].join("\n");
  });
  return [
    `fuzz: ${findings.length} violation(s) in ${sent} requests (${(elapsedMs / 1000).toFixed(1)} s); replay with FUZZ_SEED=${SEED}`,
    ...lines,
  ].join("\n");
}

// ---------------------------------------------------------------------------------------
// Setup: this run's own things, and the credentials
// ---------------------------------------------------------------------------------------

function cookiesOf(headers: IncomingHttpHeaders): string {
  return (headers["set-cookie"] ?? []).map((line) => line.split(";", 1)[0]).join("; ");
}

async function must(baseUrl: URL, agent: Agent, req: Sent, expected: number[]): Promise<Outcome> {
  const out = await send(baseUrl, agent, req);
  if (!expected.includes(out.status)) {
    throw new Error(
      `setup: ${req.method} ${req.path} answered ${out.status}: ${out.body.toString().slice(0, 300)}`,
    );
  }
  return out;
}

const jsonReq = (
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: unknown,
): Sent => ({
  method,
  path,
  headers: { ...headers, ...(body !== undefined && { "content-type": "application/json" }) },
  body: body === undefined ? undefined : Buffer.from(JSON.stringify(body)),
});

async function askAsVisitor(
  baseUrl: URL,
  agent: Agent,
  cookie: string,
  query: string,
  chatId: string | null,
) {
  const out = await must(
    baseUrl,
    agent,
    jsonReq(
      "POST",
      "/api/chat",
      { cookie, origin: baseUrl.origin },
      {
        chatId,
        message: { id: `fuzz${Date.now()}`, role: "user", parts: [{ type: "text", text: query }] },
      },
    ),
    [200],
  );
  const info = out.body.toString().match(/"chatId":"(cht_[\w-]+)","turnId":"(trn_[\w-]+)"/);
  if (!info)
    throw new Error(`setup: no chat-info in the answer: ${out.body.toString().slice(0, 300)}`);
  return { chatId: info[1] as string, turnId: info[2] as string };
}

// ---------------------------------------------------------------------------------------

test("fuzz: no 5xx and the shared error shape on every route, healthy afterwards", async ({
  browser,
  baseURL,
  request,
}, testInfo) => {
  test.setTimeout(BUDGET_MS + 120_000);
  const baseUrl = new URL(baseURL as string);
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  await waitForDemoKb(baseUrl.origin);

  // --- this run's own things ---
  const key = { "x-api-key": E2E_API_KEY };
  const run = `${SEED}_${randomBytes(3).toString("hex")}`;
  const corpus = `fuzz_${run}`;
  const spareCorpus = `spare_${run}`;
  const created = async (path: string, body: unknown) =>
    JSON.parse(
      (await must(baseUrl, agent, jsonReq("POST", path, key, body), [201])).body.toString(),
    );
  // The attributes the generated metadata filters name, so some of them are valid here.
  await created("/v2/corpora", {
    key: corpus,
    name: "fuzz",
    filter_attributes: [
      { name: "category", level: "document", type: "text" },
      { name: "year", level: "document", type: "integer" },
      { name: "tags", level: "document", type: "list[text]" },
      { name: "lang", level: "part", type: "text" },
    ],
  });
  await created("/v2/corpora", { key: spareCorpus, name: "fuzz, spare" });
  await created(`/v2/corpora/${corpus}/documents`, {
    type: "core",
    id: "fuzz-doc",
    metadata: { category: "fuzz" },
    document_parts: [{ text: "Fuzzing sends many odd requests to find crashes." }],
  });
  const scoped = { api_key_role: "serving", corpus_keys: [corpus] };
  const servingKey = (await created("/v2/api_keys", { name: "fuzz serving", ...scoped })) as {
    secret_key: string;
  };
  /** The key and app client that generated requests may update and delete. */
  const spareKey = (await created("/v2/api_keys", { name: "fuzz spare", ...scoped })) as {
    id: string;
  };
  const spareClient = (await created("/v2/app_clients", { name: "fuzz spare", ...scoped })) as {
    id: string;
  };
  const oauthClient = (await created("/v2/app_clients", { name: "fuzz client", ...scoped })) as {
    client_id: string;
    client_secret: string;
  };
  // Access tokens live a few seconds on the e2e server: keep a fresh one for the run.
  const freshToken = async () => {
    const out = await must(
      baseUrl,
      agent,
      {
        method: "POST",
        path: "/oauth2/token",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: Buffer.from(
          new URLSearchParams({
            grant_type: "client_credentials",
            client_id: oauthClient.client_id,
            client_secret: oauthClient.client_secret,
          }).toString(),
        ),
      },
      [200],
    );
    return `Bearer ${(JSON.parse(out.body.toString()) as { access_token: string }).access_token}`;
  };
  const token = { authorization: await freshToken() };
  const demoDocs = JSON.parse(
    (
      await must(
        baseUrl,
        agent,
        jsonReq("GET", "/v2/corpora/support_kb/documents?limit=1000", key),
        [200],
      )
    ).body.toString(),
  ) as { documents: { id: string }[] };
  const demoDocIds = new Set(demoDocs.documents.map((d) => d.id));
  expect(demoDocIds.size).toBeGreaterThan(0);

  // A visitor with two chats of its own: the main one, and one that deletes may take.
  const home = await must(baseUrl, agent, { method: "GET", path: "/", headers: {} }, [200]);
  const visitorCookie = cookiesOf(home.headers);
  expect(visitorCookie).toContain("parley_visitor=");
  const main = await askAsVisitor(
    baseUrl,
    agent,
    visitorCookie,
    "How do I reset my password?",
    null,
  );
  await askAsVisitor(baseUrl, agent, visitorCookie, "How do I invite a colleague?", main.chatId);
  const spare = await askAsVisitor(baseUrl, agent, visitorCookie, "Can I get a refund?", null);

  // Staff, signed in through the real form once each.
  const staffCookie = async (role: "agent" | "admin") => {
    const context = await signedInContext(browser, baseUrl.origin, role);
    try {
      const cookies = await context.cookies(baseUrl.origin);
      return cookies.map((c) => `${c.name}=${c.value}`).join("; ");
    } finally {
      await context.close();
    }
  };
  const agentCookie = await staffCookie("agent");
  const adminCookie = await staffCookie("admin");
  expect(adminCookie).toContain("parley_staff=");

  const fx: Fixtures = {
    origin: baseUrl.origin,
    demoDocIds,
    values: {
      seed: String(SEED),
      origin: baseUrl.origin,
      corpus,
      doc: "fuzz-doc",
      chat: main.chatId,
      turn: main.turnId,
      spareChat: spare.chatId,
      spareCorpus,
      apiKeyId: spareKey.id,
      appClientId: spareClient.id,
      oauthClientId: oauthClient.client_id,
      oauthClientSecret: oauthClient.client_secret,
      staffUserId: "usr_nobody",
    },
    creds: {
      none: {},
      badKey: { "x-api-key": "zut_not_a_real_key" },
      badBearer: { authorization: "Bearer not-a-token" },
      apiKey: { "x-api-key": E2E_API_KEY },
      bearerKey: { authorization: `Bearer ${E2E_API_KEY}` },
      servingKey: { "x-api-key": servingKey.secret_key },
      oauthToken: token,
      visitor: { cookie: visitorCookie },
      forgedVisitor: { cookie: "parley_visitor=v1.AAAA.BBBB" },
      agent: { cookie: agentCookie },
      admin: { cookie: adminCookie },
      forgedStaff: { cookie: "parley_staff=forged-session-token; parley_visitor=x" },
    },
  };

  // --- the run ---
  const requests = fc.sample(requestArb, { seed: SEED, numRuns: COUNT });
  const findings: Finding[] = [];
  const statusCounts = new Map<number, number>();
  /** Statuses per generated route: how deep the run got into each. */
  const byRoute = new Map<string, Record<number, number>>();
  let next = 0;
  let sent = 0;
  /** Requests `guard` changed to keep shared state safe. */
  let guarded = 0;
  const started = Date.now();
  const deadline = started + BUDGET_MS;
  const refresh = setInterval(() => {
    freshToken().then(
      (value) => {
        token.authorization = value;
      },
      () => {},
    );
  }, 2_000);
  const worker = async () => {
    while (next < requests.length && Date.now() < deadline) {
      const index = next++;
      const generated = requests[index] as FuzzRequest;
      const req = materialize(generated, fx);
      if (req.guarded) guarded++;
      const out = await send(baseUrl, agent, req);
      sent++;
      statusCounts.set(out.status, (statusCounts.get(out.status) ?? 0) + 1);
      const perRoute = byRoute.get(generated.route) ?? {};
      perRoute[out.status] = (perRoute[out.status] ?? 0) + 1;
      byRoute.set(generated.route, perRoute);
      const problem = violation(req, out);
      if (problem) {
        findings.push({
          index,
          route: generated.route,
          cred: generated.cred,
          method: req.method,
          path: req.path,
          status: out.status,
          problem,
          body: out.body.toString("utf8", 0, 400),
          contentType: req.headers["content-type"],
          beforeGate: out.status > 0 && out.headers["content-security-policy"] === undefined,
          headers: Object.fromEntries(
            Object.entries(req.headers).filter(([k]) => !CREDENTIAL_HEADERS.has(k)),
          ),
          requestBody: req.body && Buffer.from(req.body).toString("latin1", 0, 300),
        });
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker)).finally(() =>
    clearInterval(refresh),
  );
  const elapsed = Date.now() - started;
  agent.destroy();
  const summary = `fuzz: seed ${SEED}, ${sent}/${requests.length} requests in ${(elapsed / 1000).toFixed(1)} s (${guarded} made safe by the guard); statuses ${JSON.stringify(Object.fromEntries([...statusCounts].sort((a, b) => a[0] - b[0])))}`;
  console.log(summary);
  // Every finding in full, for a look beyond the summary the failure prints.
  const findingsFile = join(tmpdir(), `parley-fuzz-${SEED}.json`);
  const full = JSON.stringify(
    {
      seed: SEED,
      sent,
      elapsedMs: elapsed,
      findings,
      statusesByRoute: Object.fromEntries(byRoute),
    },
    null,
    2,
  );
  writeFileSync(findingsFile, full);
  await testInfo.attach("fuzz-findings.json", { body: full, contentType: "application/json" });
  expect(sent, "requests sent").toBeGreaterThan(Math.min(COUNT, 500));
  expect
    .soft(findings.length, `${report(findings, sent, elapsed)}\n(all of them: ${findingsFile})`)
    .toBe(0);

  // --- healthy afterwards ---
  const health = await request.get("/api/health");
  expect(health.status(), "GET /api/health after the fuzz run").toBe(200);
  await request.get("/");
  const answer = await request.post("/api/chat", {
    headers: { origin: baseUrl.origin },
    data: {
      chatId: null,
      message: {
        id: "fuzz-after",
        role: "user",
        parts: [{ type: "text", text: "How do I reset my password?" }],
      },
    },
  });
  expect(answer.status(), "a question after the fuzz run").toBe(200);
  expect((await answer.text()).match(/"type":"text-delta"/g)?.length ?? 0).toBeGreaterThan(3);
});
