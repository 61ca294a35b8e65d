import { beforeEach, describe, expect, it, vi } from "vitest";
import { appDbs } from "../support/app-db";

vi.mock("server-only", () => ({}));
const {
  getLoginFailuresByKey,
  LOGIN_FAILURE_MEMORY_MS,
  loginDelayMs,
  settleLoginSuccess,
  startLoginAttempt,
  sweepLoginFailures,
} = await import("@/lib/db");
type SqlDriver = import("@/lib/db").SqlDriver;

const POLICY = { freeFailures: 3, baseDelayMs: 1_000, maxDelayMs: 10_000 };

describe("loginDelayMs", () => {
  it("is 0 until the free failures are used, then doubles up to the cap", () => {
    const delays = Array.from({ length: 10 }, (_, i) => loginDelayMs(i, POLICY));
    expect(delays).toEqual([0, 0, 0, 1_000, 2_000, 4_000, 8_000, 10_000, 10_000, 10_000]);
    expect(loginDelayMs(10_000, POLICY)).toBe(10_000);
  });
});

describe.each(appDbs)("login failures ($name)", (engine) => {
  let db: SqlDriver;
  beforeEach(async () => {
    db = await engine.open();
  });
  const start = (now: number, keys = ["k"]) =>
    startLoginAttempt({ db, now, keys: keys.map((key) => ({ key, policy: POLICY })) });

  it("counts each attempt, blocks with growing delays, and never counts a refused attempt", async () => {
    const t = 1_000_000;
    for (let i = 0; i < 2; i++) expect((await start(t)).allowed).toBe(true);
    // The third failure uses the last free one: the next attempt waits 1 s.
    expect((await start(t)).allowed).toBe(true);
    expect(await start(t + 400)).toEqual({ allowed: false, retryAfterMs: 600 });
    expect(await getLoginFailuresByKey({ db, key: "k", now: t })).toEqual({
      failures: 3,
      lastFailureAt: t,
      blockedUntil: t + 1_000,
    });
    expect((await start(t + 1_000)).allowed).toBe(true);
    expect(await start(t + 1_000)).toEqual({ allowed: false, retryAfterMs: 2_000 });
    expect((await start(t + 3_000)).allowed).toBe(true);
    expect(await start(t + 3_000)).toEqual({ allowed: false, retryAfterMs: 4_000 });
    expect((await getLoginFailuresByKey({ db, key: "k", now: t }))?.failures).toBe(5);
  });

  it("refuses when any key is blocked, and then counts on none of them", async () => {
    for (let i = 0; i < 3; i++) await start(0, ["a"]);
    expect(await start(10, ["b", "a"])).toEqual({ allowed: false, retryAfterMs: 990 });
    expect(await getLoginFailuresByKey({ db, key: "b", now: 10 })).toBeUndefined();
    expect((await getLoginFailuresByKey({ db, key: "a", now: 10 }))?.failures).toBe(3);
  });

  it("lets only the free attempts through a concurrent burst", async () => {
    const results = await Promise.all(Array.from({ length: 10 }, () => start(5_000)));
    expect(results.filter((r) => r.allowed)).toHaveLength(3);
    expect((await getLoginFailuresByKey({ db, key: "k", now: 5_000 }))?.failures).toBe(3);
  });

  it("on success, resets the keys named and takes back only this attempt on the others", async () => {
    for (let i = 0; i < 2; i++) await start(0, ["pair", "addr"]);
    const third = await start(0, ["pair", "addr"]);
    if (!third.allowed) throw new Error("expected the third attempt through");
    await settleLoginSuccess({ db, claims: third.claims, reset: ["pair"] });
    expect(await getLoginFailuresByKey({ db, key: "pair", now: 0 })).toBeUndefined();
    // The address keeps its two failures, and the block the third attempt set is lifted.
    expect(await getLoginFailuresByKey({ db, key: "addr", now: 0 })).toMatchObject({
      failures: 2,
      blockedUntil: 0,
    });
    expect((await start(1, ["addr"])).allowed).toBe(true);
  });

  it("forgets a key a day after its last failure, and sweeps it", async () => {
    for (let i = 0; i < 4; i++) await start(i * 10_000);
    const later = 30_000 + LOGIN_FAILURE_MEMORY_MS + 1;
    expect(await getLoginFailuresByKey({ db, key: "k", now: later })).toBeUndefined();
    expect(await sweepLoginFailures({ db, now: later })).toBe(1);
    expect((await start(later)).allowed).toBe(true);
    expect((await getLoginFailuresByKey({ db, key: "k", now: later }))?.failures).toBe(1);
  });
});
