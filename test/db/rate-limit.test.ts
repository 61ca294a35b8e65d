import { beforeEach, describe, expect, it, vi } from "vitest";
import { appDbs } from "../support/app-db";

vi.mock("server-only", () => ({}));
const { hitRateLimitByKey } = await import("@/lib/db");
const { sweepExpiredRateLimits, MAX_RATE_LIMIT_WINDOW_MS } = await import("@/lib/db/rate-limits");
type SqlDriver = import("@/lib/db").SqlDriver;

const WINDOW = 60_000;

describe.each(appDbs)("rate limit ($name)", (engine) => {
  let db: SqlDriver;
  beforeEach(async () => {
    db = await engine.open();
  });
  const hit = (now: number, key = "chat:vis_a") =>
    hitRateLimitByKey({ db, key, limit: 3, windowMs: WINDOW, now });

  it("allows `limit` hits in a window, then refuses until the next window", async () => {
    const start = 10 * WINDOW;
    expect(await hit(start + 1_000)).toEqual({ allowed: true, remaining: 2, retryAfterMs: 0 });
    expect(await hit(start + 2_000)).toEqual({ allowed: true, remaining: 1, retryAfterMs: 0 });
    expect(await hit(start + 3_000)).toEqual({ allowed: true, remaining: 0, retryAfterMs: 0 });
    expect(await hit(start + 45_000)).toEqual({
      allowed: false,
      remaining: 0,
      retryAfterMs: 15_000,
    });
    expect(await hit(start + WINDOW)).toEqual({ allowed: true, remaining: 2, retryAfterMs: 0 });
  });

  it("sweeps every key's windows that ended long ago, and keeps current ones", async () => {
    const start = 100 * MAX_RATE_LIMIT_WINDOW_MS;
    // Visitors who asked once and never came back leave one row each…
    for (let i = 0; i < 5; i++) await hit(start, `chat:gone_${i}`);
    const keys = async () =>
      (await db.all<{ key: string }>("SELECT key FROM rate_limits ORDER BY key")).map((r) => r.key);
    expect(await keys()).toHaveLength(5);
    // …until a later hit, past the longest window, sweeps them.
    await hit(start + MAX_RATE_LIMIT_WINDOW_MS + WINDOW, "chat:current");
    expect(await keys()).toEqual(["chat:current"]);
    // The sweep on its own keeps what is current.
    await hit(start + MAX_RATE_LIMIT_WINDOW_MS + WINDOW, "chat:other");
    expect(
      await sweepExpiredRateLimits({ db, now: start + MAX_RATE_LIMIT_WINDOW_MS + WINDOW }),
    ).toBe(0);
    expect(await keys()).toEqual(["chat:current", "chat:other"]);
  });

  it("refuses windows longer than the sweep keeps", async () => {
    await expect(
      hitRateLimitByKey({ db, key: "k", limit: 1, windowMs: MAX_RATE_LIMIT_WINDOW_MS + 1, now: 0 }),
    ).rejects.toThrow(RangeError);
  });

  it("counts each key on its own", async () => {
    for (let i = 0; i < 3; i++) await hit(1_000);
    expect((await hit(1_000)).allowed).toBe(false);
    expect((await hit(1_000, "chat:vis_b")).allowed).toBe(true);
  });

  it("counts concurrent hits exactly", async () => {
    const results = await Promise.all(Array.from({ length: 10 }, () => hit(5_000)));
    expect(results.filter((r) => r.allowed)).toHaveLength(3);
    expect(results.map((r) => r.remaining).sort()).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 1, 2]);
  });

  it("forgets the key's earlier windows", async () => {
    await hit(1_000);
    await hit(WINDOW * 3 + 1);
    const rows = await db.all<{ window_start: number | string; count: number }>(
      "SELECT window_start, count FROM rate_limits",
    );
    // Postgres returns BIGINT as a string.
    expect(rows.map((r) => [Number(r.window_start), r.count])).toEqual([[WINDOW * 3, 1]]);
  });
});
