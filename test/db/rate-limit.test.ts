import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

vi.mock("server-only", () => ({}));
const { openAppDb, hitRateLimitByKey } = await import("@/lib/db");
type SqlDriver = import("@/lib/db").SqlDriver;

let db: SqlDriver;
beforeEach(async () => {
  db = await openAppDb({ file: ":memory:" });
});
afterEach(async () => {
  await db.close();
});

const WINDOW = 60_000;
const hit = (now: number, key = "chat:vis_a") =>
  hitRateLimitByKey({ db, key, limit: 3, windowMs: WINDOW, now });

describe("rate limit", () => {
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

  it("counts each key on its own", async () => {
    for (let i = 0; i < 3; i++) await hit(1_000);
    expect((await hit(1_000)).allowed).toBe(false);
    expect((await hit(1_000, "chat:vis_b")).allowed).toBe(true);
  });

  it("counts concurrent hits exactly", async () => {
    const results = await Promise.all(Array.from({ length: 10 }, () => hit(5_000)));
    expect(results.filter((r) => r.allowed)).toHaveLength(3);
  });

  it("forgets the key's earlier windows", async () => {
    await hit(1_000);
    await hit(WINDOW * 3 + 1);
    expect(await db.all("SELECT window_start, count FROM rate_limits")).toEqual([
      { window_start: WINDOW * 3, count: 1 },
    ]);
  });
});
