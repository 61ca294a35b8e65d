import { existsSync, mkdtempSync, statSync } from "node:fs";
import { Agent, createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { openAppDb } from "@/lib/db";
import { createEngine } from "@/lib/engine";
import { createEnginePool } from "@/lib/engine/worker/pool";
import {
  type Closable,
  inFlightWork,
  registeredResources,
  shutDownGracefully,
  trackInFlight,
} from "@/lib/http/shutdown";

vi.mock("server-only", () => ({}));

/**
 * The graceful shutdown's order (lib/http/shutdown.ts) on a real HTTP server with a
 * response in flight, the engine's real worker pool and databases, and a real SQLite app
 * database. What happens is recorded as it happens; nothing depends on how long it takes.
 */

const servers: Server[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) server.closeAllConnections();
});

/** A server whose response to /stream sends "first", then "last" when `release()` is called. */
async function streamingServer(events: string[]) {
  let release = () => {};
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  const server = createServer((req, res) => {
    if (req.url !== "/stream") {
      res.end("ok");
      return;
    }
    res.writeHead(200, { "content-type": "text/plain" });
    res.write("first;");
    void released.then(() => {
      res.end("last");
      events.push("response finished");
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { server, port, release };
}

/** GETs a path; resolves once the first chunk arrived, with the whole body's promise. */
function get(port: number, pathname: string, agent?: Agent) {
  return new Promise<{ body: Promise<string>; connection?: string }>((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path: pathname, agent }, (res) => {
      let text = "";
      const body = new Promise<string>((done, fail) => {
        res.on("end", () => done(text));
        res.on("error", fail);
        res.on("aborted", () => fail(new Error("aborted")));
      });
      body.catch(() => {});
      res.setEncoding("utf8");
      res.once("data", (chunk: string) => {
        text += chunk;
        res.on("data", (more: string) => {
          text += more;
        });
        resolve({ body, connection: res.headers.connection });
      });
    });
    req.on("error", reject);
    req.end();
  });
}

/** The engine on worker threads (as Parley runs it) and the app database, on real files. */
async function realResources(events: string[]): Promise<{ dir: string; resources: Closable[] }> {
  const dir = mkdtempSync(path.join(tmpdir(), "parley-shutdown-"));
  const engine = createEngine({ dataDir: dir, log: () => {}, lexicon: false });
  const pool = createEnginePool({
    engine: { dataDir: dir, localApiKey: engine.apiKey, lexicon: false },
    size: 2,
    log: () => {},
  });
  // A write through a worker, so engine.db's WAL has content to checkpoint.
  const created = await pool.handle(
    new Request("http://engine.local/v2/corpora", {
      method: "POST",
      headers: { "x-api-key": engine.apiKey, "content-type": "application/json" },
      body: '{"key":"kb"}',
    }),
  );
  expect(created.status).toBe(201);
  const appDb = await openAppDb({ file: path.join(dir, "app.db") });
  expect(statSync(path.join(dir, "engine.db-wal")).size).toBeGreaterThan(0);
  expect(statSync(path.join(dir, "app.db-wal")).size).toBeGreaterThan(0);
  return {
    dir,
    resources: [
      {
        name: "the local engine",
        close: async () => {
          await pool.close();
          engine.close();
          events.push("engine closed");
        },
      },
      {
        name: "the app database",
        close: async () => {
          await appDb.close();
          events.push("app database closed");
        },
      },
    ],
  };
}

/** True when a WAL (or shared-memory) file is gone or empty. */
const emptyOrGone = (file: string) => !existsSync(file) || statSync(file).size === 0;

const connectRefused = (port: number) =>
  new Promise<string>((resolve) => {
    const req = request({ host: "127.0.0.1", port, path: "/", agent: false }, () =>
      resolve("answered"),
    );
    req.on("error", (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    req.end();
  });

describe("shutDownGracefully", () => {
  it("refuses new connections, lets the answer in flight finish, then closes Next, the engine and the app database, in that order", async () => {
    const events: string[] = [];
    const { server, port, release } = await streamingServer(events);
    const { dir, resources } = await realResources(events);
    const inFlight = await get(port, "/stream");
    const lines: string[] = [];

    const done = shutDownGracefully({
      server,
      graceMs: 600_000,
      beforeResources: async () => {
        events.push("Next closed");
      },
      resources,
      log: (line) => lines.push(line),
    });
    // Listening stops at once; nothing is closed while the answer streams.
    expect(server.listening).toBe(false);
    expect(await connectRefused(port)).toBe("ECONNREFUSED");
    expect(events).toEqual([]);

    release();
    expect(await inFlight.body).toBe("first;last");
    expect(await done).toBe(true);
    expect(events).toEqual([
      "response finished",
      "Next closed",
      "engine closed",
      "app database closed",
    ]);
    for (const file of ["engine.db-wal", "engine.db-shm", "app.db-wal", "app.db-shm"]) {
      expect(emptyOrGone(path.join(dir, file)), file).toBe(true);
    }
    expect(lines[0]).toMatch(/^Parley: shutting down: no new connections; 1 open/);
    expect(lines).toContain("Parley: shutting down: closed the local engine");
    expect(lines.at(-1)).toBe("Parley: stopped.");
  });

  it("waits for an answer whose visitor has left before closing the databases it writes to", async () => {
    const events: string[] = [];
    const { server } = await streamingServer(events);
    const { resources } = await realResources(events);
    let finish = () => {};
    // No request is open: the visitor reloaded, and the answer goes on being generated.
    trackInFlight(
      new Promise<void>((resolve) => {
        finish = resolve;
      }).then(() => {
        events.push("answer stored");
      }),
    );
    expect(inFlightWork()).toHaveLength(1);
    const lines: string[] = [];
    const done = shutDownGracefully({
      server,
      graceMs: 600_000,
      resources,
      log: (line) => lines.push(line),
    });
    await vi.waitFor(() =>
      expect(lines).toContainEqual(expect.stringMatching(/for 1 answers whose visitors have left/)),
    );
    expect(events).toEqual([]);
    finish();
    expect(await done).toBe(true);
    expect(events).toEqual(["answer stored", "engine closed", "app database closed"]);
    expect(lines).toContain("Parley: shutting down: those answers have finished");
    expect(inFlightWork()).toHaveLength(0);
  });

  it("abandons such an answer when the grace is over, and closes the resources anyway", async () => {
    const events: string[] = [];
    const { server } = await streamingServer(events);
    const never = new Promise<void>(() => {});
    const lines: string[] = [];
    expect(
      await shutDownGracefully({
        server,
        graceMs: 1,
        resources: [{ name: "the app database", close: () => void events.push("closed") }],
        work: () => [never],
        log: (line) => lines.push(line),
      }),
    ).toBe(true);
    expect(events).toEqual(["closed"]);
    expect(lines).toContain(
      "Parley: shutting down: the grace is over; those answers are abandoned",
    );
  });

  it("closes idle keep-alive connections at once instead of waiting for them", async () => {
    const events: string[] = [];
    const { server, port } = await streamingServer(events);
    server.keepAliveTimeout = 600_000;
    const agent = new Agent({ keepAlive: true });
    const first = await get(port, "/", agent);
    expect(await first.body).toBe("ok");
    // The agent keeps the connection open and idle; shutting down must not wait for it.
    expect(
      await shutDownGracefully({ server, graceMs: 600_000, resources: [], log: () => {} }),
    ).toBe(true);
    agent.destroy();
  });

  it("cuts what is still streaming when the grace is over, and closes the resources anyway", async () => {
    const events: string[] = [];
    const { server, port } = await streamingServer(events);
    const { dir, resources } = await realResources(events);
    const neverEnds = await get(port, "/stream");
    const lines: string[] = [];

    expect(
      await shutDownGracefully({ server, graceMs: 1, resources, log: (l) => lines.push(l) }),
    ).toBe(true);
    await expect(neverEnds.body).rejects.toThrow();
    expect(events).toEqual(["engine closed", "app database closed"]);
    expect(lines).toContainEqual(expect.stringMatching(/cutting 1 connections still open/));
    expect(emptyOrGone(path.join(dir, "engine.db-wal"))).toBe(true);
  });

  it("goes on closing after a resource fails, and reports the failure", async () => {
    const { server } = await streamingServer([]);
    const closed: string[] = [];
    const errors: string[] = [];
    const ok = await shutDownGracefully({
      server,
      graceMs: 600_000,
      resources: [
        {
          name: "a broken pool",
          close: () => Promise.reject(new Error("connection lost")),
        },
        { name: "the app database", close: () => void closed.push("app database") },
      ],
      log: () => {},
      error: (line) => errors.push(line),
    });
    expect(ok).toBe(false);
    expect(closed).toEqual(["app database"]);
    expect(errors).toEqual([
      "Parley: shutting down: closing a broken pool failed: connection lost",
    ]);
  });

  it("gives up on a resource that never closes, and closes the next", async () => {
    const { server } = await streamingServer([]);
    const closed: string[] = [];
    const errors: string[] = [];
    const ok = await shutDownGracefully({
      server,
      graceMs: 600_000,
      stepTimeoutMs: 1,
      resources: [
        { name: "a stuck pool", close: () => new Promise<void>(() => {}) },
        { name: "the app database", close: () => void closed.push("app database") },
      ],
      log: () => {},
      error: (line) => errors.push(line),
    });
    expect(ok).toBe(false);
    expect(closed).toEqual(["app database"]);
    expect(errors[0]).toMatch(/closing a stuck pool failed: still not closed/);
  });

  it("closes the app database getAppDb opened: it registered itself", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "parley-shutdown-appdb-"));
    vi.resetModules();
    vi.stubEnv("DATA_DIR", dir);
    vi.stubEnv("DATABASE_URL", "");
    try {
      const { getAppDb } = await import("@/lib/db");
      await getAppDb();
      expect(statSync(path.join(dir, "app.db-wal")).size).toBeGreaterThan(0);
      const registered = registeredResources().find((r) => r.name === "the app database");
      expect(registered).toBeDefined();
      await registered?.close();
      expect(emptyOrGone(path.join(dir, "app.db-wal"))).toBe(true);
    } finally {
      vi.unstubAllEnvs();
    }
  });
});
