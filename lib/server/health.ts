import "server-only";
import { APIError, type VectaraClient } from "@/lib/vectara";

/**
 * `/api/health`'s view of the upstream in remote mode: can Parley reach Vectara right
 * now, and how fast. One cheap authenticated read (`GET /v2/corpora/{key}`), no retries,
 * a short timeout, and the result cached for a few seconds so that a load balancer
 * polling health does not turn into load on Vectara. Concurrent callers share one probe.
 */
export interface UpstreamHealth {
  /** Vectara answered with a success status. */
  reachable: boolean;
  /** Vectara's HTTP status, when it answered at all. */
  status?: number;
  /** How long the probe took, whatever its outcome. */
  latencyMs: number;
}

export interface UpstreamProbeOptions {
  client: VectaraClient;
  corpusKey: string;
  /** Default 2 s. */
  timeoutMs?: number;
}

export async function probeUpstream({
  client,
  corpusKey,
  timeoutMs = 2_000,
}: UpstreamProbeOptions): Promise<UpstreamHealth> {
  const started = performance.now();
  const latency = () => Math.round(performance.now() - started);
  try {
    await client.corpora.get(corpusKey, { timeoutMillis: timeoutMs, maxRetries: 0 });
    return { reachable: true, status: 200, latencyMs: latency() };
  } catch (error) {
    // Only the status leaves this function: Vectara's messages can name keys and corpora.
    if (error instanceof APIError) {
      return { reachable: false, status: error.status, latencyMs: latency() };
    }
    return { reachable: false, latencyMs: latency() };
  }
}

/** A probe whose answer is reused for `ttlMs` (default 5 s). */
export function cachedUpstreamProbe(
  probe: () => Promise<UpstreamHealth>,
  { ttlMs = 5_000, now = () => Date.now() }: { ttlMs?: number; now?: () => number } = {},
): () => Promise<UpstreamHealth> {
  let last: { at: number; value: Promise<UpstreamHealth> } | undefined;
  return () => {
    if (!last || now() - last.at >= ttlMs) {
      // probeUpstream never rejects; the catch keeps a custom probe from poisoning the cache.
      const value = probe().catch((): UpstreamHealth => ({ reachable: false, latencyMs: 0 }));
      last = { at: now(), value };
    }
    return last.value;
  };
}
