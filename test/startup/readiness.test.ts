import { afterAll, describe, expect, it, vi } from "vitest";
import { tempDir, writeTree } from "../support/files";

vi.mock("server-only", () => ({}));

// `/api/health?ready=1` (lib/server/readiness.ts) in local mode on a real SQLite app DB
// and the embedded engine; the checks themselves also against engines from test/support.
vi.stubEnv("DATA_DIR", tempDir("parley-ready-"));
vi.stubEnv("DATABASE_URL", "");
vi.stubEnv("ENGINE_WORKERS", "0");
vi.stubEnv("VECTARA_API_KEY", "");
vi.stubEnv("VECTARA_CLIENT_ID", "");
vi.stubEnv("VECTARA_CLIENT_SECRET", "");
vi.stubEnv("VECTARA_CORPUS_KEY", "");

const { GET } = await import("@/app/api/health/route");
const { checkReadiness } = await import("@/lib/server/readiness");
const { probeUpstream } = await import("@/lib/server/health");
const { seedingState, startSeeding } = await import("@/lib/server/seed");
const { closeLocalEngine } = await import("@/lib/server/vectara");
const { closeAppDb, openAppDb } = await import("@/lib/db");
const { makeEngine } = await import("../support/engine");
const { serveEngine } = await import("../support/serve-engine");
const { createVectaraClient } = await import("@/lib/vectara");

afterAll(async () => {
  await closeLocalEngine();
  await closeAppDb();
});

const health = async (query = "") => {
  const response = await GET(new Request(`http://parley.test/api/health${query}`));
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};

async function until(done: () => boolean): Promise<void> {
  for (let i = 0; i < 2_000 && !done(); i++) await new Promise((r) => setTimeout(r, 10));
}

describe("/api/health", () => {
  it("stays liveness without ?ready=1: 200 with the same body", async () => {
    const { status, body } = await health();
    expect(status).toBe(200);
    expect(body).toEqual({ status: "ok", mode: "local", version: expect.any(String) });
  });

  it("is 503 until first-start seeding has finished, then 200 with each check", async () => {
    const before = await health("?ready=1");
    expect(before.status).toBe(503);
    expect(before.body).toMatchObject({
      status: "not_ready",
      mode: "local",
      checks: {
        app_db: { ok: true },
        engine: { ok: true },
        seeding: { ok: false, status: "idle" },
      },
    });

    const kb = tempDir("parley-ready-kb-");
    writeTree(kb, { "refunds.md": "# Refunds\n\nRefunds take five business days.\n" });
    startSeeding({ dir: kb, log: () => undefined });
    expect(seedingState()).toBe("running");
    await until(() => seedingState() !== "running");
    expect(seedingState()).toBe("done");

    const after = await health("?ready=1");
    expect(after.status).toBe(200);
    expect(after.body).toMatchObject({
      status: "ready",
      checks: { app_db: { ok: true }, engine: { ok: true }, seeding: { ok: true, status: "done" } },
    });
  });
});

describe("checkReadiness", () => {
  it("fails the app DB check when the database cannot answer", async () => {
    const { client } = makeEngine();
    const db = await openAppDb({ file: `${tempDir("parley-ready-db-")}/app.db` });
    const ok = await checkReadiness({
      mode: "local",
      appDb: async () => db,
      client,
      seeding: "done",
    });
    expect(ok.ready).toBe(true);
    await db.close();
    const closed = await checkReadiness({
      mode: "local",
      appDb: async () => db,
      client,
      seeding: "done",
    });
    expect(closed).toMatchObject({
      ready: false,
      checks: { app_db: { ok: false }, engine: { ok: true } },
    });
    const failing = await checkReadiness({
      mode: "local",
      appDb: () => Promise.reject(new Error("SQLITE_CANTOPEN /secret/path")),
      client,
      seeding: "done",
    });
    expect(failing.checks.app_db).toEqual({ ok: false, latencyMs: expect.any(Number) });
    expect(JSON.stringify(failing)).not.toContain("secret");
  });

  it("fails the engine check when the engine refuses, and a failed seeding", async () => {
    const { clientWith } = makeEngine();
    const db = await openAppDb({ file: ":memory:" });
    const refused = await checkReadiness({
      mode: "local",
      appDb: async () => db,
      client: clientWith("zqk_not_a_key_of_this_engine_0001"),
      seeding: "failed",
    });
    expect(refused).toMatchObject({
      ready: false,
      checks: {
        app_db: { ok: true },
        engine: { ok: false },
        seeding: { ok: false, status: "failed" },
      },
    });
    await db.close();
  });

  it("remote mode: Vectara through the upstream probe", async () => {
    const { engine, client } = makeEngine();
    await client.corpora.create({ key: "support_kb" });
    const server = await serveEngine(engine);
    const db = await openAppDb({ file: ":memory:" });
    try {
      const probe = (apiKey: string) => () =>
        probeUpstream({
          client: createVectaraClient({ baseUrl: server.url, auth: { type: "api_key", apiKey } }),
          corpusKey: "support_kb",
        });
      const up = await checkReadiness({
        mode: "remote",
        appDb: async () => db,
        upstream: probe(engine.apiKey),
      });
      expect(up).toMatchObject({
        ready: true,
        checks: { app_db: { ok: true }, upstream: { ok: true, status: 200 } },
      });
      expect(up.checks.engine).toBeUndefined();
      expect(up.checks.seeding).toBeUndefined();
      const down = await checkReadiness({
        mode: "remote",
        appDb: async () => db,
        upstream: probe("zqk_wrong_key_for_readiness_01"),
      });
      expect(down).toMatchObject({
        ready: false,
        checks: { upstream: { ok: false, status: 401 } },
      });
      expect(JSON.stringify(down)).not.toContain("zqk_wrong");
    } finally {
      await db.close();
      await server.close();
    }
  });
});
