import { describe, expect, it } from "vitest";
import type { Engine } from "@/lib/engine";
import { createVectaraClient, ForbiddenError, UnauthorizedError } from "@/lib/vectara";
import { makeEngine } from "../support/engine";
import { coreDoc, rawRequest, seedCorpus } from "../support/search";

/**
 * OAuth 2.0 client credentials in the engine: the two token endpoints, app client
 * management at /v2/app_clients, and access tokens standing in for API keys with
 * their client's role and corpus scope.
 */

const CLIENT_ID = "parley-test-client";
const CLIENT_SECRET = "s3cret-s3cret-s3cret-s3cret";
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Raw {
  status: number;
  headers: Headers;
  json: Record<string, unknown>;
}

async function post(
  engine: Engine,
  path: string,
  body: string | undefined,
  headers: Record<string, string>,
): Promise<Raw> {
  const response = await engine.handle(
    new Request(`http://parley.local${path}`, { method: "POST", headers, body }),
  );
  const text = await response.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // asserted on by status
  }
  return { status: response.status, headers: response.headers, json };
}

const FORM = { "content-type": "application/x-www-form-urlencoded" };
const JSON_TYPE = { "content-type": "application/json" };
const basic = (id: string, secret: string) =>
  `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString("base64")}`;

const formToken = (engine: Engine, fields: Record<string, string>, headers = {}) =>
  post(engine, "/oauth2/token", new URLSearchParams(fields).toString(), { ...FORM, ...headers });

async function tokenFor(engine: Engine, clientId = CLIENT_ID, clientSecret = CLIENT_SECRET) {
  const res = await formToken(engine, {
    grant_type: "client_credentials",
    client_id: clientId,
    client_secret: clientSecret,
  });
  expect(res.status).toBe(200);
  return res.json.access_token as string;
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}`, "x-api-key": "" });

function engineWithClient(role: "serving" | "serving_and_indexing" | "personal", ttl = 60) {
  return makeEngine({
    appClient: { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, role },
    oauthTokenTtlSeconds: ttl,
  });
}

/** Creates a client through the API with the personal key; returns its wire body. */
async function createClient(engine: Engine, body: Record<string, unknown>) {
  const res = await rawRequest(engine, "POST", "/v2/app_clients", {
    type: "client_credentials",
    ...body,
  });
  expect(res.status).toBe(201);
  return res.json as { id: string; client_id: string; client_secret: string };
}

describe("token endpoints", () => {
  it("issues a bearer token at /oauth2/token for form-encoded client credentials", async () => {
    const { engine } = engineWithClient("serving", 120);
    const res = await formToken(engine, {
      grant_type: "client_credentials",
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
    });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({
      access_token: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      token_type: "Bearer",
      expires_in: 120,
    });
    expect(res.headers.get("cache-control")).toBe("no-store");
    const corpora = await rawRequest(
      engine,
      "GET",
      "/v2/corpora",
      undefined,
      bearer(res.json.access_token as string),
    );
    expect(corpora.status).toBe(200);
  });

  it("accepts HTTP Basic client authentication (RFC 6749 §2.3.1)", async () => {
    const { engine } = engineWithClient("serving");
    const res = await formToken(
      engine,
      { grant_type: "client_credentials" },
      { authorization: basic(CLIENT_ID, CLIENT_SECRET) },
    );
    expect(res.status).toBe(200);
    expect(res.json.token_type).toBe("Bearer");
  });

  it("issues a token at /oauth/token for the JSON body Vectara's Python SDK sends", async () => {
    const { engine } = engineWithClient("serving");
    const res = await post(
      engine,
      "/oauth/token",
      JSON.stringify({
        grant_type: "client_credentials",
        client_id: CLIENT_ID,
        client_secret: CLIENT_SECRET,
      }),
      JSON_TYPE,
    );
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ token_type: "Bearer", expires_in: 60 });
    expect(res.headers.get("cache-control")).toBe("no-store");
  });

  it("answers a wrong secret or an unknown client with 401 invalid_client", async () => {
    const { engine } = engineWithClient("serving");
    const wrong = await formToken(engine, {
      grant_type: "client_credentials",
      client_id: CLIENT_ID,
      client_secret: "not-the-secret-at-all",
    });
    expect(wrong.status).toBe(401);
    expect(wrong.json.error).toBe("invalid_client");
    expect(wrong.json).not.toHaveProperty("access_token");
    expect(wrong.headers.get("www-authenticate")).toBeNull();

    const viaBasic = await formToken(
      engine,
      { grant_type: "client_credentials" },
      { authorization: basic(CLIENT_ID, "not-the-secret-at-all") },
    );
    expect(viaBasic.status).toBe(401);
    expect(viaBasic.json.error).toBe("invalid_client");
    expect(viaBasic.headers.get("www-authenticate")).toMatch(/^Basic/);

    const unknown = await post(
      engine,
      "/oauth/token",
      JSON.stringify({
        grant_type: "client_credentials",
        client_id: "nobody",
        client_secret: CLIENT_SECRET,
      }),
      JSON_TYPE,
    );
    expect(unknown).toMatchObject({ status: 401, json: { error: "invalid_client" } });

    const none = await formToken(engine, { grant_type: "client_credentials" });
    expect(none).toMatchObject({ status: 401, json: { error: "invalid_client" } });
  });

  it("refuses any grant but client_credentials with 400 unsupported_grant_type", async () => {
    const { engine } = engineWithClient("serving");
    const res = await formToken(engine, {
      grant_type: "password",
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
    });
    expect(res).toMatchObject({ status: 400, json: { error: "unsupported_grant_type" } });
    const missing = await formToken(engine, {
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
    });
    expect(missing).toMatchObject({ status: 400, json: { error: "invalid_request" } });
  });

  it("answers garbage, oversized and ambiguous requests with 400 invalid_request, never 500", async () => {
    const { engine } = engineWithClient("serving");
    const creds = `client_id=${CLIENT_ID}&client_secret=${CLIENT_SECRET}`;
    const cases: Array<[string, string | undefined, Record<string, string>]> = [
      ["/oauth/token", "{not json", JSON_TYPE],
      ["/oauth/token", "[1,2,3]", JSON_TYPE],
      ["/oauth/token", "null", JSON_TYPE],
      ["/oauth/token", JSON.stringify({ grant_type: 5, client_id: CLIENT_ID }), JSON_TYPE],
      ["/oauth/token", JSON.stringify({ grant_type: "x".repeat(5000) }), JSON_TYPE],
      ["/oauth/token", undefined, JSON_TYPE],
      ["/oauth2/token", `grant_type=client_credentials&${"a=b&".repeat(5000)}`, FORM],
      ["/oauth2/token", `grant_type=client_credentials&grant_type=client_credentials`, FORM],
      ["/oauth2/token", "grant_type=client_credentials", { "content-type": "text/xml" }],
      [
        "/oauth2/token",
        `grant_type=client_credentials&${creds}`,
        { ...FORM, authorization: basic(CLIENT_ID, CLIENT_SECRET) },
      ],
    ];
    for (const [path, body, headers] of cases) {
      const res = await post(engine, path, body, headers);
      expect({ path, body: body?.slice(0, 40), status: res.status }).toEqual({
        path,
        body: body?.slice(0, 40),
        status: 400,
      });
      expect(res.json.error).toBe("invalid_request");
    }
    const get = await engine.handle(new Request("http://parley.local/oauth2/token"));
    expect(get.status).toBe(405);
    expect(get.headers.get("allow")).toBe("POST");
  });
});

describe("access tokens on /v2", () => {
  it("carries the client's role: a serving client may query and chat but not write documents", async () => {
    const { engine, client } = engineWithClient("serving");
    await seedCorpus(client, "kb", [coreDoc("refunds", ["Refunds take five days."])]);
    const token = await tokenFor(engine);
    const query = await rawRequest(
      engine,
      "POST",
      "/v2/query",
      { query: "refunds", search: { corpora: [{ corpus_key: "kb" }] } },
      bearer(token),
    );
    expect(query.status).toBe(200);
    const chat = await rawRequest(
      engine,
      "POST",
      "/v2/chats",
      { query: "refunds", search: { corpora: [{ corpus_key: "kb" }] } },
      bearer(token),
    );
    // A serving role chats (as Vectara's query keys do) but does not write documents.
    expect(chat.status).toBe(200);
    const write = await rawRequest(
      engine,
      "POST",
      "/v2/corpora/kb/documents",
      coreDoc("by-token", ["Written with a serving token."]),
      bearer(token),
    );
    expect(write.status).toBe(403);
    const keys = await rawRequest(engine, "GET", "/v2/api_keys", undefined, bearer(token));
    expect(keys.status).toBe(403);
  });

  it("carries the client's corpus scope: a scoped client cannot query another corpus", async () => {
    const { engine, client } = makeEngine({ oauthTokenTtlSeconds: 60 });
    await seedCorpus(client, "kb", [coreDoc("refunds", ["Refunds take five days."])]);
    await seedCorpus(client, "internal", [coreDoc("salaries", ["Salaries are paid monthly."])]);
    const scoped = await createClient(engine, {
      name: "widget",
      api_key_role: "serving",
      corpus_keys: ["kb"],
    });
    const token = await tokenFor(engine, scoped.client_id, scoped.client_secret);
    const ask = (corpus: string) =>
      rawRequest(
        engine,
        "POST",
        `/v2/corpora/${corpus}/query`,
        { query: "paid monthly" },
        bearer(token),
      );
    expect((await ask("kb")).status).toBe(200);
    expect((await ask("internal")).status).toBe(403);
  });

  it("stops accepting a token once it expires (401, WWW-Authenticate: Bearer)", async () => {
    const { engine } = engineWithClient("serving", 1);
    const token = await tokenFor(engine);
    expect((await rawRequest(engine, "GET", "/v2/corpora", undefined, bearer(token))).status).toBe(
      200,
    );
    await sleep(1200);
    const expired = await rawRequest(engine, "GET", "/v2/corpora", undefined, bearer(token));
    expect(expired.status).toBe(401);
    expect(expired.headers.get("www-authenticate")).toMatch(/^Bearer error="invalid_token"/);
    const count = engine.db.prepare("SELECT count(*) AS n FROM oauth_tokens").get() as {
      n: number;
    };
    expect(count.n).toBe(0);
  });

  it("refuses tokens and credentials of a disabled client, and tokens of a deleted one", async () => {
    const { engine } = makeEngine();
    const made = await createClient(engine, { name: "ops", api_key_role: "serving" });
    const token = await tokenFor(engine, made.client_id, made.client_secret);
    const use = () => rawRequest(engine, "GET", "/v2/corpora", undefined, bearer(token));
    expect((await use()).status).toBe(200);

    const off = await rawRequest(engine, "PATCH", `/v2/app_clients/${made.id}`, {
      enabled: false,
    });
    expect(off).toMatchObject({ status: 200, json: { enabled: false } });
    expect((await use()).status).toBe(401);
    const refused = await formToken(engine, {
      grant_type: "client_credentials",
      client_id: made.client_id,
      client_secret: made.client_secret,
    });
    expect(refused).toMatchObject({ status: 401, json: { error: "invalid_client" } });

    await rawRequest(engine, "PATCH", `/v2/app_clients/${made.id}`, { enabled: true });
    const second = await tokenFor(engine, made.client_id, made.client_secret);
    expect((await rawRequest(engine, "GET", "/v2/corpora", undefined, bearer(second))).status).toBe(
      200,
    );
    expect((await rawRequest(engine, "DELETE", `/v2/app_clients/${made.id}`)).status).toBe(204);
    expect((await rawRequest(engine, "GET", "/v2/corpora", undefined, bearer(second))).status).toBe(
      401,
    );
  });

  it("revokes a client's tokens when its role is lowered", async () => {
    const { engine } = makeEngine();
    const made = await createClient(engine, { name: "indexer", api_roles: ["corpus_developer"] });
    const token = await tokenFor(engine, made.client_id, made.client_secret);
    const lowered = await rawRequest(engine, "PATCH", `/v2/app_clients/${made.id}`, {
      api_key_role: "serving",
    });
    expect(lowered.json).toMatchObject({ api_key_role: "serving", api_roles: [] });
    expect((await rawRequest(engine, "GET", "/v2/corpora", undefined, bearer(token))).status).toBe(
      401,
    );
  });
});

describe("/v2/app_clients", () => {
  it("creates, lists with paging, gets, updates and deletes; the secret is shown once", async () => {
    const { engine } = makeEngine();
    const made = await createClient(engine, {
      name: "Support widget",
      description: "queries only",
      api_key_role: "serving",
      corpus_keys: ["kb"],
    });
    expect(made).toMatchObject({
      id: expect.stringMatching(/^app_/),
      name: "Support widget",
      description: "queries only",
      client_id: expect.any(String),
      client_secret: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      api_key_role: "serving",
      corpus_keys: ["kb"],
      enabled: true,
    });
    const admin = await createClient(engine, { name: "Admin tool", api_roles: ["administrator"] });
    expect(admin).toMatchObject({ api_key_role: "personal", api_roles: ["administrator"] });

    const got = await rawRequest(engine, "GET", `/v2/app_clients/${made.id}`);
    expect(got.status).toBe(200);
    expect(got.json).not.toHaveProperty("client_secret");
    expect(got.json.client_id).toBe(made.client_id);

    const page1 = await rawRequest(engine, "GET", "/v2/app_clients?limit=1");
    const clients1 = page1.json.app_clients as Array<Record<string, unknown>>;
    expect(clients1.map((c) => c.name)).toEqual(["Support widget"]);
    expect(clients1[0]).not.toHaveProperty("client_secret");
    const pageKey = (page1.json.metadata as { page_key?: string }).page_key;
    expect(pageKey).toEqual(expect.any(String));
    const page2 = await rawRequest(
      engine,
      "GET",
      `/v2/app_clients?limit=1&page_key=${encodeURIComponent(pageKey as string)}`,
    );
    expect((page2.json.app_clients as Array<{ name: string }>).map((c) => c.name)).toEqual([
      "Admin tool",
    ]);
    expect(page2.json.metadata).toEqual({});
    const filtered = await rawRequest(engine, "GET", "/v2/app_clients?filter=^admin");
    expect((filtered.json.app_clients as Array<{ id: string }>).map((c) => c.id)).toEqual([
      admin.id,
    ]);
    expect((await rawRequest(engine, "GET", "/v2/app_clients?page_key=bogus")).status).toBe(400);

    const patched = await rawRequest(engine, "PATCH", `/v2/app_clients/${made.id}`, {
      description: "the chat widget",
      api_roles: ["corpus_developer"],
    });
    expect(patched.json).toMatchObject({
      description: "the chat widget",
      api_key_role: "serving_and_indexing",
      corpus_keys: ["kb"],
    });
    expect(patched.json).not.toHaveProperty("client_secret");

    expect((await rawRequest(engine, "DELETE", `/v2/app_clients/${made.id}`)).status).toBe(204);
    const gone = await rawRequest(engine, "GET", `/v2/app_clients/${made.id}`);
    expect(gone.status).toBe(404);
    expect(gone.json.id).toBe(made.id);
  });

  it("validates bodies: personal clients have no corpus scope, unknown roles are 400", async () => {
    const { engine } = makeEngine();
    const bad = [
      { type: "client_credentials", name: "x", api_key_role: "personal", corpus_keys: ["kb"] },
      { type: "client_credentials", name: "x", api_roles: ["billing_administrator"] },
      { type: "client_credentials", name: "" },
      { type: "password", name: "x" },
      { type: "client_credentials", name: "x", surprise: true },
    ];
    for (const body of bad) {
      const res = await rawRequest(engine, "POST", "/v2/app_clients", body);
      expect({ body, status: res.status }).toEqual({ body, status: 400 });
    }
    expect((await rawRequest(engine, "POST", "/v2/app_clients", "{oops")).status).toBe(400);
  });

  it("may be managed only by a personal key or a personal client's token", async () => {
    const { engine, client } = makeEngine();
    await client.corpora.create({ key: "kb" });
    const indexKey = await rawRequest(engine, "POST", "/v2/api_keys", {
      name: "indexer",
      api_key_role: "serving_and_indexing",
      corpus_keys: ["kb"],
    });
    const asIndexKey = { "x-api-key": indexKey.json.secret_key as string };
    expect((await rawRequest(engine, "GET", "/v2/app_clients", undefined, asIndexKey)).status).toBe(
      403,
    );
    expect(
      (
        await rawRequest(
          engine,
          "POST",
          "/v2/app_clients",
          { type: "client_credentials", name: "sneaky", api_key_role: "personal" },
          asIndexKey,
        )
      ).status,
    ).toBe(403);

    const serving = await createClient(engine, { name: "q", api_key_role: "serving" });
    const servingToken = await tokenFor(engine, serving.client_id, serving.client_secret);
    expect(
      (await rawRequest(engine, "GET", "/v2/app_clients", undefined, bearer(servingToken))).status,
    ).toBe(403);

    const admin = await createClient(engine, { name: "admin", api_key_role: "personal" });
    const adminToken = await tokenFor(engine, admin.client_id, admin.client_secret);
    expect(
      (await rawRequest(engine, "GET", "/v2/app_clients", undefined, bearer(adminToken))).status,
    ).toBe(200);
  });

  it("seeds the configured client idempotently and takes a changed secret", async () => {
    const { engine, dataDir } = engineWithClient("serving");
    await tokenFor(engine);
    const { createEngine } = await import("@/lib/engine");
    engine.close();
    const again = createEngine({
      dataDir,
      log: () => undefined,
      appClient: { clientId: CLIENT_ID, clientSecret: "a-brand-new-secret-123", role: "serving" },
    });
    try {
      const rows = again.db.prepare("SELECT count(*) AS n FROM app_clients").get() as {
        n: number;
      };
      expect(rows.n).toBe(1);
      const old = await formToken(again, {
        grant_type: "client_credentials",
        client_id: CLIENT_ID,
        client_secret: CLIENT_SECRET,
      });
      expect(old.status).toBe(401);
      await tokenFor(again, CLIENT_ID, "a-brand-new-secret-123");
    } finally {
      again.close();
    }
  });
});

describe("Parley's own client with OAuth against the engine", () => {
  it("shares one token among concurrent calls and fetches one more after expiry", async () => {
    const { engine } = engineWithClient("serving", 2);
    let tokenRequests = 0;
    const fetch = (request: Request) => {
      if (new URL(request.url).pathname === "/oauth2/token") tokenRequests++;
      return engine.handle(request);
    };
    const vectara = createVectaraClient({
      baseUrl: "http://parley.local",
      fetch,
      maxRetries: 0,
      auth: {
        type: "oauth",
        clientId: CLIENT_ID,
        clientSecret: CLIENT_SECRET,
        tokenUrl: "http://parley.local/oauth2/token",
      },
    });
    const burst = () => Promise.all(Array.from({ length: 10 }, () => vectara.chats.list()));

    const first = await burst();
    expect(first).toHaveLength(10);
    expect(tokenRequests).toBe(1);
    await sleep(2200);
    const second = await burst();
    expect(second).toHaveLength(10);
    expect(tokenRequests).toBe(2);
  });

  it("surfaces refused credentials as an error, and a serving token's 403 as ForbiddenError", async () => {
    const { engine } = engineWithClient("serving");
    const withSecret = (clientSecret: string) =>
      createVectaraClient({
        baseUrl: "http://parley.local",
        fetch: engine.handle,
        maxRetries: 0,
        auth: {
          type: "oauth",
          clientId: CLIENT_ID,
          clientSecret,
          tokenUrl: "http://parley.local/oauth2/token",
        },
      });
    await expect(withSecret("wrong-wrong-wrong-wrong").chats.list()).rejects.toBeInstanceOf(
      UnauthorizedError,
    );
    await expect(withSecret(CLIENT_SECRET).chats.delete("cht_nope")).rejects.toBeInstanceOf(
      ForbiddenError,
    );
  });
});
