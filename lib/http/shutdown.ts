import type { Server } from "node:http";

/**
 * Parley's graceful shutdown (SIGTERM or SIGINT to `npm start`), in this order:
 *  1. the server stops listening, and idle keep-alive connections are closed, so no new
 *     request starts (a request arriving on a connection still open is answered with
 *     `Connection: close`);
 *  2. the requests in flight (streaming answers) finish, and so does the work that outlives
 *     its request (an answer whose visitor reloaded or left: `trackInFlight`), for `graceMs`
 *     at most in all; then the connections still open are cut and that work is abandoned;
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
  work = inFlightWork,
  stepTimeoutMs = 10_000,
  log = (line) => console.log(line),
  error = (line) => console.error(line),
}: {
  server: Server;
  graceMs: number;
  beforeResources?: () => Promise<void>;
  resources?: readonly Closable[];
  /** The work in flight apart from requests (`trackInFlight`), read once the requests are done. */
  work?: () => readonly Promise<unknown>[];
  /** How long one resource may take to close before the next is closed regardless. */
  stepTimeoutMs?: number;
  log?: (line: string) => void;
  error?: (line: string) => void;
}): Promise<boolean> {
  let ok = true;
  const startedAt = performance.now();
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
  // Answers generated for visitors who have left: they finish within what is left of the
  // grace, so that they are stored complete rather than cut.
  const pending = work();
  const left = graceMs - (performance.now() - startedAt);
  if (pending.length > 0) {
    log(
      `Parley: shutting down: waiting up to ${Math.max(0, Math.round(left))} ms for ${pending.length} answers whose visitors have left`,
    );
    let workTimer: NodeJS.Timeout | undefined;
    const finished = await Promise.race([
      Promise.allSettled(pending).then(() => true),
      new Promise<false>((resolve) => {
        workTimer = setTimeout(() => resolve(false), Math.max(0, left));
      }),
    ]);
    clearTimeout(workTimer);
    log(
      finished
        ? "Parley: shutting down: those answers have finished"
        : "Parley: shutting down: the grace is over; those answers are abandoned",
    );
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

type InFlightRegistry = { __parleyInFlight?: Set<Promise<unknown>> };

/**
 * Work that outlives the request that started it (an answer generated for a visitor who
 * reloaded, `lib/chat/answer-streams.ts`): a graceful shutdown waits for it within its grace.
 * On globalThis, like `registeredResources`, since the server and Next's bundles share no module.
 */
export function trackInFlight(work: Promise<unknown>): void {
  const shared = globalThis as InFlightRegistry;
  shared.__parleyInFlight ??= new Set();
  const registry = shared.__parleyInFlight;
  const settled = work.then(
    () => undefined,
    () => undefined,
  );
  registry.add(settled);
  void settled.then(() => registry.delete(settled));
}

/** What `trackInFlight` holds now. */
export function inFlightWork(): Promise<unknown>[] {
  return [...((globalThis as InFlightRegistry).__parleyInFlight ?? [])];
}
