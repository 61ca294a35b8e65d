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

/** The running build step, so that signals reach it; then the server this process runs. */
let child;
let server;
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill(signal);
    else if (server) stopServer(server);
    else process.exit(128 + constants.signals[signal]);
  });
}

if (!existsSync(nextBin)) {
  console.error("Parley cannot start: Next.js is not installed. Run `npm install` first.");
  process.exit(1);
}

const port = readPort(process.env.PORT);
const hostname = process.env.HOSTNAME?.trim() || DEFAULT_HOSTNAME;

const reason = staleBuildReason();
if (reason) {
  console.log(`Parley: building (${reason})…`);
  const started = performance.now();
  let build = await run(nextBin, ["build"]);
  // The engine's worker thread and Parley's server are bundles of their own
  // (scripts/build-bundles.mjs).
  if (build === 0)
    build = await run(process.execPath, [join(root, "scripts", "build-bundles.mjs")]);
  if (build !== 0) {
    console.error(`Parley: the build failed (exit code ${build}); not starting.`);
    process.exit(build);
  }
  console.log(`Parley: built in ${((performance.now() - started) / 1000).toFixed(1)} s.`);
}

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

/** Stops accepting requests, lets the ones in flight finish (5 s at most), then exits. */
function stopServer(running) {
  const force = setTimeout(() => process.exit(0), 5_000);
  force.unref();
  running.close().then(
    () => process.exit(0),
    () => process.exit(1),
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

/** Runs a command with inherited stdio; resolves to its exit code (128 + n when killed by signal n). */
function run(command, args) {
  return new Promise((resolve, reject) => {
    // Parley promises to work with no network, so Next's telemetry stays off.
    const env = { ...process.env, NEXT_TELEMETRY_DISABLED: "1" };
    child = spawn(command, args, { cwd: root, stdio: "inherit", env });
    child.once("error", reject);
    child.once("exit", (code, signal) => {
      resolve(code ?? 128 + (constants.signals[signal] ?? 0));
    });
  });
}
