// `node e2e/support/start-after.mjs <url> -- <command> [args…]`: waits until <url> answers
// 2xx, then runs the command with inherited stdio and exits with its code. The e2e suite
// starts its remote-mode Parley this way, after the local-mode one is healthy, so the two
// `node scripts/start.mjs` never race to build `.next`. Gives up after
// START_AFTER_TIMEOUT_MS (default 180 s). SIGINT/SIGTERM reach the command.
import { spawn } from "node:child_process";
import { constants } from "node:os";

const [url, separator, command, ...args] = process.argv.slice(2);
if (!url || separator !== "--" || !command) {
  console.error("usage: node e2e/support/start-after.mjs <url> -- <command> [args…]");
  process.exit(2);
}

let child;
let stopping = false;
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    stopping = true;
    if (child && child.exitCode === null && child.signalCode === null) child.kill(signal);
    else process.exit(128 + constants.signals[signal]);
  });
}

const timeoutMs = Number(process.env.START_AFTER_TIMEOUT_MS || 180_000);
const deadline = Date.now() + timeoutMs;
for (;;) {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
    await response.body?.cancel();
    if (response.ok) break;
  } catch {
    // Not up yet.
  }
  if (Date.now() > deadline) {
    console.error(`start-after: ${url} did not answer within ${timeoutMs} ms; not starting.`);
    process.exit(1);
  }
  await new Promise((resolve) => setTimeout(resolve, 250));
}

if (!stopping) {
  child = spawn(command, args, { stdio: "inherit" });
  child.once("error", (error) => {
    console.error(`start-after: ${command}: ${error.message}`);
    process.exit(1);
  });
  child.once("exit", (code, signal) => {
    process.exit(code ?? 128 + (constants.signals[signal] ?? 0));
  });
}
