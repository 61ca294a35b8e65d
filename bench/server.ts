import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

/**
 * The production server for benchmarks: `node scripts/start.mjs` (which builds first when
 * the build is stale) in local mode with a fresh temporary DATA_DIR, in its own process
 * group so that stopping it reaches the build and the server too.
 */

export const root = path.join(import.meta.dirname, "..");
export const CORPUS = "support_kb";

export interface Server {
  child: ChildProcess;
  log: string[];
  dataDir: string;
  base: string;
  apiKey: string;
  stop(): Promise<void>;
}

export function startServer(options: {
  port: number;
  apiKey: string;
  env?: Record<string, string>;
}): Server {
  const dataDir = mkdtempSync(path.join(tmpdir(), "parley-bench-"));
  const log: string[] = [];
  const child = spawn(process.execPath, [path.join(root, "scripts/start.mjs")], {
    cwd: root,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      ...process.env,
      PORT: String(options.port),
      HOSTNAME: "127.0.0.1",
      DATA_DIR: dataDir,
      LOCAL_API_KEY: options.apiKey,
      // Local mode, whatever credentials the shell holds.
      VECTARA_API_KEY: "",
      VECTARA_CLIENT_ID: "",
      VECTARA_CLIENT_SECRET: "",
      VECTARA_CORPUS_KEY: "",
      ...options.env,
    },
  });
  for (const stream of [child.stdout, child.stderr]) {
    stream?.on("data", (chunk: Buffer) => log.push(chunk.toString("utf8")));
  }
  return {
    child,
    log,
    dataDir,
    base: `http://127.0.0.1:${options.port}`,
    apiKey: options.apiKey,
    async stop() {
      if (child.exitCode === null && child.signalCode === null && child.pid) {
        const exited = new Promise((resolve) => child.once("exit", resolve));
        process.kill(-child.pid, "SIGTERM");
        const timer = setTimeout(() => child.pid && process.kill(-child.pid, "SIGKILL"), 10_000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function waitFor(
  what: string,
  server: Server,
  timeoutMs: number,
  ok: () => Promise<boolean>,
) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (server.child.exitCode !== null) {
      throw new Error(
        `the server exited (${server.child.exitCode}) before ${what}:\n${tail(server)}`,
      );
    }
    try {
      if (await ok()) return;
    } catch {
      // Not yet.
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}:\n${tail(server)}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

export const tail = (server: Server) => server.log.join("").split("\n").slice(-30).join("\n");

/** Waits for the server to answer in local mode and for the demo KB to be seeded. */
export async function waitUntilSeeded(server: Server): Promise<void> {
  await waitFor("/api/health", server, 600_000, async () => {
    const res = await fetch(`${server.base}/api/health`);
    return res.ok && ((await res.json()) as { mode: string }).mode === "local";
  });
  const articles = countArticles(path.join(root, "content/demo-kb"));
  await waitFor(`the demo KB (${articles} articles) to be seeded`, server, 120_000, async () => {
    const res = await fetch(`${server.base}/v2/corpora/${CORPUS}`, {
      headers: { "x-api-key": server.apiKey },
    });
    if (!res.ok) return false;
    const corpus = (await res.json()) as { limits?: { used_docs?: number } };
    return (corpus.limits?.used_docs ?? 0) >= articles;
  });
}

function countArticles(dir: string): number {
  let n = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) n += countArticles(path.join(dir, entry.name));
    else if (/\.(md|markdown)$/.test(entry.name)) n += 1;
  }
  return n;
}

/** A new visitor: the `parley_visitor` cookie that `GET /` sets. */
export async function visitorCookie(base: string): Promise<string> {
  const res = await fetch(`${base}/`);
  await res.arrayBuffer();
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(";")[0] as string)
    .find((c) => c.startsWith("parley_visitor="));
  if (!cookie) throw new Error("GET / set no parley_visitor cookie");
  return cookie;
}
