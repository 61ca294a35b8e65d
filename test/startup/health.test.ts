import { afterEach, describe, expect, it, vi } from "vitest";
import { cachedUpstreamProbe, probeUpstream, type UpstreamHealth } from "@/lib/server/health";
import { createVectaraClient } from "@/lib/vectara";
import { makeEngine } from "../support/engine";
import { serveEngine } from "../support/serve-engine";

vi.mock("server-only", () => ({}));

// /api/health's upstream probe (remote mode) against a real engine over HTTP.

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

async function served() {
  const fixture = makeEngine();
  await fixture.client.corpora.create({ key: "support_kb" });
  const server = await serveEngine(fixture.engine);
  closers.push(server.close);
  const clientFor = (apiKey: string) =>
    createVectaraClient({ baseUrl: server.url, auth: { type: "api_key", apiKey } });
  return { ...fixture, url: server.url, clientFor };
}

describe("upstream probe", () => {
  it("reports a reachable upstream with its status and latency", async () => {
    const { engine, clientFor } = await served();
    const health = await probeUpstream({
      client: clientFor(engine.apiKey),
      corpusKey: "support_kb",
    });
    expect(health).toEqual({ reachable: true, status: 200, latencyMs: expect.any(Number) });
    expect(health.latencyMs).toBeGreaterThanOrEqual(0);
  });

  it("reports a refused key as unreachable with the status, and never the key", async () => {
    const { clientFor } = await served();
    const key = "zut_wrong_key_for_health_0001";
    const health = await probeUpstream({ client: clientFor(key), corpusKey: "support_kb" });
    expect(health).toEqual({ reachable: false, status: 401, latencyMs: expect.any(Number) });
    expect(JSON.stringify(health)).not.toContain(key);
  });

  it("reports no status when nothing answers, and does not throw", async () => {
    const client = createVectaraClient({
      baseUrl: "http://127.0.0.1:1",
      auth: { type: "api_key", apiKey: "zut_any_key_0123456789" },
    });
    const health = await probeUpstream({ client, corpusKey: "support_kb" });
    expect(health).toEqual({ reachable: false, latencyMs: expect.any(Number) });
  });
});

describe("cached upstream probe", () => {
  it("reuses one answer for the TTL, then probes again", async () => {
    let clock = 1_000;
    let calls = 0;
    const probe = cachedUpstreamProbe(
      async (): Promise<UpstreamHealth> => {
        calls++;
        return { reachable: true, status: 200, latencyMs: calls };
      },
      { ttlMs: 5_000, now: () => clock },
    );
    await Promise.all([probe(), probe(), probe()]);
    expect(calls).toBe(1);
    clock += 4_999;
    expect((await probe()).latencyMs).toBe(1);
    clock += 1;
    expect((await probe()).latencyMs).toBe(2);
    expect(calls).toBe(2);
  });

  it("turns a probe that throws into an unreachable answer", async () => {
    const probe = cachedUpstreamProbe(() => Promise.reject(new Error("boom")));
    expect(await probe()).toEqual({ reachable: false, latencyMs: 0 });
  });
});
