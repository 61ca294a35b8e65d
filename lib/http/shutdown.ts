import type { Server } from "node:http";

/**
 * Parley's graceful shutdown (SIGTERM or SIGINT to `npm start`), in this order:
 *  1. the server stops listening, and idle keep-alive connections are closed, so no new
 *     request starts (a request arriving on a connection still open is answered with
 *     `Connection: close`);
 *  2. the requests in flight (streaming answers) finish, for `graceMs` at most; then the
 *     connections still open are cut;
 *  3. Next.js is closed (`beforeResources`);
 *  4. the resources the process opened close, in the order they were opened: the local
 *     engine (its worker threads, its databases with the WAL checkpointed, which also ends
 *     the background embedding loop: it stops at a closed database) and the app database
 *     (SQLite, checkpointed; or the Postgres pool).
 * One line per step on stdout (stderr for a failure). A resource gets `stepTimeoutMs` to
 * close. Resolves to false when a step failed; the caller exits with 0 or 1.
 */
export async function shutDownGracefully({
  server,
  graceMs,
  beforeResources,
  resources = registeredResources(),
  stepTimeoutMs = 10_000,
  log = (line) => console.log(line),
  error = (line) => console.error(line),
}: {
  server: Server;
  graceMs: number;
  beforeResources?: () => Promise<void>;
  resources?: readonly Closable[];
  /** How long one resource may take to close before the next is closed regardless. */
  stepTimeoutMs?: number;
  log?: (line: string) => void;
  error?: (line: string) => void;
}): Promise<boolean> {
  let ok = true;
  // A request on a connection still open is the last on it.
  server.prependListener("request", (_req, res) => {
    if (!res.headersSent) res.setHeader("connection", "close");
  });
  const drained = new Promise<void>((resolve) => server.close(() => resolve()));
  // A keep-alive connection goes idle when its response ends: close it then.
  server.closeIdleConnections();
  const idle = setInterval(() => server.closeIdleConnections(), 100);
  const open = await openConnections(server);
  log(
    `Parley: shutting down: no new connections; ${open} open, waiting up to ${graceMs} ms for requests in flight`,
  );
  let timer: NodeJS.Timeout | undefined;
  const graceOver = new Promise<"grace over">((resolve) => {
    timer = setTimeout(() => resolve("grace over"), graceMs);
  });
  const outcome = await Promise.race([drained.then(() => "drained" as const), graceOver]);
  clearTimeout(timer);
  clearInterval(idle);
  if (outcome === "grace over") {
    const left = await openConnections(server);
    log(`Parley: shutting down: ${graceMs} ms are over; cutting ${left} connections still open`);
    server.closeAllConnections();
    await drained;
  } else {
    log("Parley: shutting down: every request has finished; the server is closed");
  }

  const steps: Closable[] = [
    ...(beforeResources ? [{ name: "Next.js", close: beforeResources }] : []),
    ...resources,
  ];
  for (const step of steps) {
    let stepTimer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        step.close(),
        new Promise((_, reject) => {
          stepTimer = setTimeout(
            () => reject(new Error(`still not closed after ${stepTimeoutMs} ms`)),
            stepTimeoutMs,
          );
        }),
      ]);
      log(`Parley: shutting down: closed ${step.name}`);
    } catch (e) {
      ok = false;
      error(
        `Parley: shutting down: closing ${step.name} failed: ${e instanceof Error ? e.message : String(e)}`,
      );
    } finally {
      clearTimeout(stepTimer);
    }
  }
  log(ok ? "Parley: stopped." : "Parley: stopped, with the failures above.");
  return ok;
}

const openConnections = (server: Server) =>
  new Promise<number>((resolve) => server.getConnections((e, count) => resolve(e ? 0 : count)));

/** Something the process opened that must be closed before it exits. */
export interface Closable {
  name: string;
  close(): Promise<void> | void;
}

/**
 * The resources the process opened, in the order they registered their closing
 * (`lib/server/vectara.ts` the local engine, `lib/db/index.ts` the app database): a Map of
 * name → close on globalThis (`__parleyShutdown`), since they live in Next.js's bundles and
 * this server in a bundle of its own, which share no module but share the process. Those
 * modules may not import this one (docs/architecture.md), so each writes to the Map itself.
 */
export function registeredResources(): Closable[] {
  const shared = globalThis as { __parleyShutdown?: Map<string, () => Promise<void> | void> };
  return [...(shared.__parleyShutdown ?? new Map())].map(([name, close]) => ({ name, close }));
}
