import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { request as httpRequest, type IncomingHttpHeaders } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { NO_VECTARA_CREDENTIALS } from "./env";

/**
 * A Parley of a spec's own, for what the shared e2e server must not go through: being
 * killed, or limits low enough to meet. It runs the same build as the shared server
 * (`node scripts/start.mjs`, which finds the build current) on its own port and data
 * directory, in local mode.
 */
export interface OwnServer {
  baseUrl: string;
  port: number;
  dataDir: string;
  /** Stops it: SIGTERM, or SIGKILL (a crash) with `{ kill: true }`. Resolves once it has exited. */
  stop(options?: { kill?: boolean }): Promise<void>;
  /** The lines it printed so far (stdout and stderr). */
  output(): string;
  /** Sends it a signal, without waiting. */
  signal(signal: NodeJS.Signals): void;
  /** Resolves once it has exited: its exit code, or the signal that ended it. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export async function startOwnServer({
  port,
  env = {},
  dataDir = mkdtempSync(join(tmpdir(), `parley-e2e-own-${port}-`)),
  readyLine = /Parley: seeded '/,
}: {
  port: number;
  env?: Record<string, string>;
  dataDir?: string;
  /** What its log says once it is ready, beside a healthy /api/health; null: health alone (remote mode never seeds). */
  readyLine?: RegExp | null;
}): Promise<OwnServer> {
  const baseUrl = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(process.execPath, ["scripts/start.mjs"], {
    cwd: process.cwd(),
    env: {
      ...process.env,
      PORT: String(port),
      HOSTNAME: "127.0.0.1",
      DATA_DIR: dataDir,
      ...NO_VECTARA_CREDENTIALS,
      LOCAL_API_KEY: "",
      DATABASE_URL: "",
      // The shared server built it; a file edited since must not rebuild it under that server.
      PARLEY_USE_EXISTING_BUILD: "1",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let log = "";
  child.stdout?.on("data", (d: Buffer) => {
    log += d.toString();
  });
  child.stderr?.on("data", (d: Buffer) => {
    log += d.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );

  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`Parley on ${port} exited:\n${log}`);
    // Healthy, and the demo knowledge base is seeded (or found current on a restart).
    const ready =
      (readyLine === null || readyLine.test(log)) &&
      (await rawRequest({ url: `${baseUrl}/api/health` }).then(
        (r) => r.status === 200,
        () => false,
      ));
    if (ready) break;
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`Parley on ${port} did not become ready:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }

  return {
    baseUrl,
    port,
    dataDir,
    async stop({ kill = false } = {}) {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill(kill ? "SIGKILL" : "SIGTERM");
      }
      await exited;
    },
    output: () => log,
    signal: (signal) => child.kill(signal),
    exited,
  };
}

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * One HTTP request from a chosen local address (`from`, e.g. 127.0.0.2: on Linux the
 * whole 127/8 is loopback), so a spec can be several clients as Parley's server sees
 * them, with whatever headers it likes. `onChunk` sees the body as it arrives and may
 * return true to stop reading.
 */
export function rawRequest({
  url,
  method = "GET",
  headers = {},
  body,
  from,
  onChunk,
}: {
  url: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  from?: string;
  onChunk?: (text: string) => boolean | undefined;
}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      url,
      { method, headers, ...(from && { localAddress: from }), timeout: 30_000 },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => {
          text += chunk;
          if (onChunk?.(text)) {
            resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text });
            res.destroy();
          }
        });
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }),
        );
        res.on("error", reject);
      },
    );
    req.on("timeout", () => req.destroy(new Error(`${method} ${url} timed out`)));
    req.on("error", reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

/** The `name=value` pairs of a response's Set-Cookie headers, as one Cookie header. */
export function cookieHeaderOf(headers: IncomingHttpHeaders, previous = ""): string {
  const jar = new Map<string, string>();
  for (const pair of previous.split(/;\s*/).filter(Boolean)) {
    const [name, ...rest] = pair.split("=");
    if (name) jar.set(name, rest.join("="));
  }
  for (const line of headers["set-cookie"] ?? []) {
    const [pair] = line.split(";");
    const [name, ...rest] = (pair ?? "").split("=");
    if (name) jar.set(name.trim(), rest.join("="));
  }
  return [...jar].map(([k, v]) => `${k}=${v}`).join("; ");
}
