import "server-only";
import { getConfig } from "@/lib/config";
import { getAppDb, type SqlDriver } from "@/lib/db";
import type { VectaraClient } from "@/lib/vectara";
import type { UpstreamHealth } from "./health";
import { type SeedingState, seedingState } from "./seed";
import { getVectaraClient } from "./vectara";

/** One readiness check's outcome: whether it passed, and what it saw (never a secret). */
export interface ReadinessCheck {
  ok: boolean;
  latencyMs?: number;
  /** The upstream's HTTP status (remote mode), or seeding's state (local mode). */
  status?: number | SeedingState;
}

export interface Readiness {
  ready: boolean;
  checks: {
    app_db: ReadinessCheck;
    engine?: ReadinessCheck;
    upstream?: ReadinessCheck;
    seeding?: ReadinessCheck;
  };
}

/**
 * `/api/health?ready=1`: can this instance serve a chat now? The app database answers a
 * trivial query; in local mode the engine answers a cheap read through the worker pool
 * (one corpus, listed) and first-start seeding has finished; in remote mode Vectara
 * answers the (cached) upstream probe. Each check has a short timeout; none throws.
 */
export async function checkReadiness({
  mode,
  appDb,
  client,
  upstream,
  seeding,
  timeoutMs = 2_000,
}: {
  mode: "local" | "remote";
  /** The app database, opened (and migrated) on first use. */
  appDb: () => Promise<Pick<SqlDriver, "get">>;
  /** Local mode: the client over the engine. */
  client?: VectaraClient;
  /** Remote mode: the cached upstream probe. */
  upstream?: () => Promise<UpstreamHealth>;
  /** Local mode: seeding's state. */
  seeding?: SeedingState;
  timeoutMs?: number;
}): Promise<Readiness> {
  const timed = async (check: () => Promise<unknown>): Promise<ReadinessCheck> => {
    const started = performance.now();
    const latency = () => Math.round(performance.now() - started);
    try {
      await withTimeout(check(), timeoutMs);
      return { ok: true, latencyMs: latency() };
    } catch {
      // Only the outcome: an error's words can name files, hosts or keys.
      return { ok: false, latencyMs: latency() };
    }
  };
  const appDbCheck = timed(async () => (await appDb()).get("SELECT 1 AS ok"));
  const checks: Readiness["checks"] = { app_db: await appDbCheck };
  if (mode === "local") {
    checks.engine = client
      ? await timed(() =>
          client.corpora.list({ limit: 1 }, { timeoutMillis: timeoutMs, maxRetries: 0 }),
        )
      : { ok: false };
    const state = seeding ?? "idle";
    checks.seeding = { ok: state === "done", status: state };
  } else {
    const health = upstream
      ? await upstream().catch((): UpstreamHealth => ({ reachable: false, latencyMs: 0 }))
      : { reachable: false, latencyMs: 0 };
    checks.upstream = { ok: health.reachable, latencyMs: health.latencyMs, status: health.status };
  }
  return { ready: Object.values(checks).every((c) => c.ok), checks };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error("timed out")), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** This instance's readiness; `upstream` is the health route's cached probe (remote mode). */
export function readiness(upstream: () => Promise<UpstreamHealth>): Promise<Readiness> {
  const config = getConfig();
  return checkReadiness({
    mode: config.mode,
    appDb: getAppDb,
    client: config.mode === "local" ? getVectaraClient(config) : undefined,
    upstream,
    seeding: seedingState(),
  });
}
