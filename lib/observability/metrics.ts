import { createHash, timingSafeEqual } from "node:crypto";
import { Counter, Gauge, Histogram, Registry } from "prom-client";

/**
 * Parley's Prometheus metrics, in one registry kept on globalThis: the server's bundle
 * and Next's bundles each load this module, and every one must count into the same
 * series. `GET /api/metrics` renders it (with METRICS_TOKEN).
 *
 * Gauges read from elsewhere (the engine's pool, the app DB's pool) are registered by
 * their owners with `registerGauge`, whose callback runs at each scrape.
 */
export interface Metrics {
  registry: Registry;
  httpRequests: Counter<"route" | "method" | "status">;
  chatFirstToken: Histogram;
  chatTotal: Histogram;
  upstreamErrors: Counter<"kind">;
  rateLimited: Counter<"limit">;
  signInFailures: Counter<"reason">;
}

const KEY = Symbol.for("parley.metrics");
const shared = globalThis as typeof globalThis & { [KEY]?: Metrics };

const SECONDS = [0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 15, 30, 60];

function createMetrics(): Metrics {
  const registry = new Registry();
  return {
    registry,
    httpRequests: new Counter({
      name: "parley_http_requests_total",
      help: "HTTP requests Parley's server answered, by route (ids collapsed), method and status",
      labelNames: ["route", "method", "status"] as const,
      registers: [registry],
    }),
    chatFirstToken: new Histogram({
      name: "parley_chat_first_token_seconds",
      help: "Time from a question's arrival to the first word of its answer",
      buckets: SECONDS,
      registers: [registry],
    }),
    chatTotal: new Histogram({
      name: "parley_chat_answer_seconds",
      help: "Time from a question's arrival to the end of its complete answer",
      buckets: SECONDS,
      registers: [registry],
    }),
    upstreamErrors: new Counter({
      name: "parley_upstream_errors_total",
      help: "Failures of Vectara or the local engine, by kind (upstream-errors.ts)",
      labelNames: ["kind"] as const,
      registers: [registry],
    }),
    rateLimited: new Counter({
      name: "parley_rate_limited_total",
      help: "Questions refused by a rate limit, by limit (visitor or address)",
      labelNames: ["limit"] as const,
      registers: [registry],
    }),
    signInFailures: new Counter({
      name: "parley_sign_in_failures_total",
      help: "Failed staff sign-ins, by reason (incorrect, throttled, disabled)",
      labelNames: ["reason"] as const,
      registers: [registry],
    }),
  };
}

/** The process's metrics. */
export function getMetrics(): Metrics {
  shared[KEY] ??= createMetrics();
  return shared[KEY];
}

/**
 * A gauge whose values `read` gives at each scrape, registered once per process by name
 * (a second bundle's call replaces the reader, never adds a duplicate series).
 */
export function registerGauge<L extends string>({
  name,
  help,
  labelNames = [],
  read,
}: {
  name: string;
  help: string;
  labelNames?: readonly L[];
  read: () => Array<{ labels?: Partial<Record<L, string>>; value: number }> | undefined;
}): void {
  const { registry } = getMetrics();
  const readers = gaugeReaders();
  readers.set(name, read as GaugeReader);
  if (registry.getSingleMetric(name)) return;
  new Gauge<L>({
    name,
    help,
    labelNames,
    registers: [registry],
    collect() {
      this.reset();
      const values = readers.get(name)?.() ?? [];
      for (const { labels, value } of values) {
        if (labels) this.set(labels as Partial<Record<L, string | number>>, value);
        else this.set(value);
      }
    },
  });
}

type GaugeReader = () => Array<{ labels?: Record<string, string>; value: number }> | undefined;

const READERS = Symbol.for("parley.metrics.gaugeReaders");
function gaugeReaders(): Map<string, GaugeReader> {
  const g = globalThis as typeof globalThis & { [READERS]?: Map<string, GaugeReader> };
  g[READERS] ??= new Map();
  return g[READERS];
}

/** The registry in Prometheus's text format, and its content type. */
export async function renderMetrics(): Promise<{ body: string; contentType: string }> {
  const { registry } = getMetrics();
  return { body: await registry.metrics(), contentType: registry.contentType };
}

/**
 * Whether an `Authorization` header carries `Bearer <token>`, compared in constant time
 * (both sides hashed first, so their lengths leak nothing either).
 */
export function bearerMatches(header: string | null, token: string): boolean {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? "");
  const digest = (value: string) => createHash("sha256").update(value).digest();
  return timingSafeEqual(digest(match?.[1] ?? ""), digest(token)) && match !== null;
}
