// `npm start`: build the app when there is no build or the sources changed since the last
// one, then serve it with Parley's HTTP server (lib/http/server.ts: Next.js behind a
// request gate), in this process. This is what lets a fresh clone run with
// `npm install && npm start` and nothing else.
//
// Environment: PORT (default 3000) and HOSTNAME (default 127.0.0.1, so a fresh install is
// not reachable from the network; set HOSTNAME=0.0.0.0 to serve other machines).
import { spawn } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { constants } from "node:os";
import { dirname, join, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const nextBin = join(root, "node_modules", ".bin", "next");
const buildIdFile = join(root, ".next", "BUILD_ID");
const engineWorkerFile = join(root, ".next", "engine-worker", "worker.mjs");
const serverFile = join(root, ".next", "parley-server", "server.mjs");

/** Everything `next build` compiles from. A change to any of them makes the build stale. */
const BUILD_INPUT_DIRS = ["app", "components", "lib", "public"];
const BUILD_INPUT_FILES = [
  "next.config.mjs",
  "package.json",
  "package-lock.json",
  "postcss.config.mjs",
  "instrumentation.ts",
  "instrumentation-node.ts",
  "proxy.ts",
  "tsconfig.json",
  "scripts/build-bundles.mjs",
];
/** Unit tests live beside the code in lib/ but are never part of the build. */
const NOT_BUILD_INPUT = /\.(test|spec)\.[cm]?[jt]sx?$/;

const DEFAULT_PORT = 3000;
const DEFAULT_HOSTNAME = "127.0.0.1";

/**
 * How long a first build takes on 2 cores, measured with `rm -rf .next && time npm run build`
 * (Next.js 16.4): 64 s on an idle machine, 74 s and 116 s beside other work. Later builds
 * reuse Turbopack's cache in .next/cache.
 */
const FIRST_BUILD_ESTIMATE = "1–2 minutes on 2 cores";

/** The running build step, so that signals reach it; then the server this process runs. */
let child;
let server;
/** Set once a signal asked this process to stop (a build it ends then is no failure to show). */
let stopping = false;
/** Set once the server is shutting down; a second signal then exits at once. */
let serverStopping = false;
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    stopping = true;
    if (child && child.exitCode === null && child.signalCode === null) child.kill(signal);
    else if (server && !serverStopping) stopServer(server);
    else {
      if (serverStopping) console.error(`Parley: ${signal} again: stopping at once.`);
      process.exit(128 + constants.signals[signal]);
    }
  });
}

if (!existsSync(nextBin)) {
  console.error("Parley cannot start: Next.js is not installed. Run `npm install` first.");
  process.exit(1);
}

const port = readPort(process.env.PORT);
const hostname = process.env.HOSTNAME?.trim() || DEFAULT_HOSTNAME;

// A second server on the same checkout (the e2e suite's own servers) runs the build the
// first one made: rebuilding under a running server would pull its files from under it.
const useExisting = process.env.PARLEY_USE_EXISTING_BUILD === "1" && existsSync(buildIdFile);
const reason = useExisting ? undefined : staleBuildReason();
if (reason) await build(reason);

console.log(`Parley: starting on http://${hostname}:${port}`);
process.env.NEXT_TELEMETRY_DISABLED = "1";
const { serve } = await import(pathToFileURL(serverFile).href);
try {
  server = await serve({ dir: root, port, hostname });
} catch (error) {
  console.error(`Parley cannot start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
console.log(`Parley: ready on http://${hostname}:${port}`);

/**
 * Shuts down gracefully (lib/http/shutdown.ts: no new connections, requests in flight
 * finish within SHUTDOWN_GRACE_MS, then the engine and the databases close), then exits:
 * 0, or 1 when something failed to close.
 */
function stopServer(running) {
  serverStopping = true;
  running.close().then(
    (ok) => process.exit(ok ? 0 : 1),
    (error) => {
      console.error(`Parley: shutting down failed: ${error?.message ?? error}`);
      process.exit(1);
    },
  );
}

function readPort(raw) {
  const value = raw?.trim();
  if (!value) return DEFAULT_PORT;
  const port = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    console.error(
      `Parley cannot start: PORT must be a whole number from 1 to 65535 (got ${JSON.stringify(raw)}).`,
    );
    process.exit(1);
  }
  return port;
}

/** Why a build is needed, or undefined when the existing build is current. */
function staleBuildReason() {
  if (!existsSync(buildIdFile)) return "first start";
  if (!existsSync(engineWorkerFile)) return "the engine worker is not built";
  if (!existsSync(serverFile)) return "the server is not built";
  const builtAt = statSync(buildIdFile).mtimeMs;
  const changed = findNewerThan(builtAt);
  return changed ? `sources changed: ${relative(root, changed)}` : undefined;
}

function findNewerThan(time) {
  for (const file of BUILD_INPUT_FILES) {
    const path = join(root, file);
    if (existsSync(path) && statSync(path).mtimeMs > time) return path;
  }
  for (const dir of BUILD_INPUT_DIRS) {
    const found = findNewerIn(join(root, dir), time);
    if (found) return found;
  }
  return undefined;
}

function findNewerIn(dir, time) {
  if (!existsSync(dir)) return undefined;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      const found = findNewerIn(path, time);
      if (found) return found;
    } else if (!NOT_BUILD_INPUT.test(entry.name) && statSync(path).mtimeMs > time) {
      return path;
    }
  }
  return undefined;
}

/**
 * Builds the app: `next build`, then Parley's own bundles (scripts/build-bundles.mjs: the
 * engine's worker thread and the HTTP server). Prints one line per phase; the tools' own
 * output is kept and printed in full only when a step fails, so the error is visible.
 */
async function build(reason) {
  const started = performance.now();
  const first = reason === "first start";
  console.log(
    `Parley: building the app (${first ? `first start; ${FIRST_BUILD_ESTIMATE}` : reason})…`,
  );
  // Next's type check is the other long phase; its line is the one sign of progress shown.
  let compiled = false;
  const onLine = (line) => {
    if (compiled || !/Compiled successfully/.test(line)) return;
    compiled = true;
    console.log("Parley: compiled; checking types…");
  };
  let result = await run(nextBin, ["build"], onLine);
  if (result.code === 0) {
    console.log("Parley: bundling the engine worker and server…");
    result = await run(process.execPath, [join(root, "scripts", "build-bundles.mjs")]);
  }
  if (result.code !== 0) {
    if (stopping) console.error("Parley: the build was stopped; not starting.");
    else {
      process.stderr.write(result.output);
      console.error(`Parley: the build failed (exit code ${result.code}); not starting.`);
    }
    process.exit(result.code);
  }
  console.log(`Parley: built in ${((performance.now() - started) / 1000).toFixed(1)} s.`);
}

/**
 * Runs a command with its output captured (and each line of it passed to onLine);
 * resolves to its exit code (128 + n when killed by signal n) and that output.
 */
function run(command, args, onLine = () => {}) {
  return new Promise((resolve, reject) => {
    // Parley promises to work with no network, so Next's telemetry stays off.
    const env = { ...process.env, NEXT_TELEMETRY_DISABLED: "1" };
    child = spawn(command, args, { cwd: root, stdio: ["ignore", "pipe", "pipe"], env });
    let output = "";
    let partial = "";
    const collect = (text) => {
      output += text;
      const lines = (partial + text).split("\n");
      partial = lines.pop() ?? "";
      for (const line of lines) onLine(line);
    };
    for (const stream of [child.stdout, child.stderr]) {
      stream.setEncoding("utf8");
      stream.on("data", collect);
    }
    child.once("error", reject);
    child.once("close", (code, signal) => {
      if (partial) onLine(partial);
      resolve({ code: code ?? 128 + (constants.signals[signal] ?? 0), output });
    });
  });
}
