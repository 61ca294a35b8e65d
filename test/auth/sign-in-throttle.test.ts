import { afterAll, beforeEach, describe, expect, it, vi } from "vitest";
import { tempDir } from "../support/files";

/**
 * Sign-in throttling (issue 14): growing delays per account and address pair and per
 * address, never an account-wide lock. Against a real SQLite app database, with
 * `next/headers` as an in-memory request. Times are passed as `now`, or frozen with
 * fake timers for the server action, so nothing here depends on the wall clock.
 */
const request = vi.hoisted(() => ({
  jar: new Map<string, string>(),
  headers: new Headers(),
}));

vi.mock("server-only", () => ({}));
vi.mock("next/headers", () => ({
  cookies: async () => ({
    get: (name: string) => {
      const value = request.jar.get(name);
      return value === undefined ? undefined : { name, value };
    },
    set: (name: string, value: string) => {
      request.jar.set(name, value);
    },
    delete: (name: string) => {
      request.jar.delete(name);
    },
  }),
  headers: async () => request.headers,
}));
vi.mock("next/navigation", () => ({
  redirect: (url: string) => {
    throw new Error(`REDIRECT ${url}`);
  },
  forbidden: () => {
    throw new Error("FORBIDDEN");
  },
}));

vi.stubEnv("DATA_DIR", tempDir("parley-throttle-"));
vi.stubEnv("DATABASE_URL", "");
vi.stubEnv("AUTH_SECRET", "");
vi.stubEnv("TRUSTED_PROXY_HOPS", "0");
delete (globalThis as { __parleyAppDb?: unknown }).__parleyAppDb;

const staff = await import("@/lib/auth/staff");
const { getAppDb } = await import("@/lib/db");
const { PEER_HEADER, trustPeerHeader } = await import("@/lib/http/client-address");
const { signInAction } = await import("@/app/(staff)/login/actions");

const PASSWORD = "demo password for throttling";
const ADMIN = "admin@demo.local";
const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

// Each test starts a day after the previous one, when every counter is forgotten.
let clock = Date.UTC(2026, 10, 1, 9, 0, 0);
let now = clock;

trustPeerHeader();
await staff.seedDemoStaff({ password: PASSWORD });

beforeEach(() => {
  clock += 2 * 24 * HOUR;
  now = clock;
  request.jar.clear();
  request.headers = new Headers();
});

afterAll(async () => {
  trustPeerHeader(false);
  vi.useRealTimers();
  await (await getAppDb()).close();
  delete (globalThis as { __parleyAppDb?: unknown }).__parleyAppDb;
  vi.unstubAllEnvs();
});

function attempt(email: string, password: string, address: string) {
  return staff.signIn({ email, password, address, now });
}

/** The error code of a failed attempt, or "ok". */
function outcome(result: Awaited<ReturnType<typeof attempt>>): string {
  return result.ok ? "ok" : result.error.code;
}

/**
 * Fails `count` times for `email` from `address`, waiting out each delay as an attacker
 * would (time moves by `now`), and returns the waits it was told, in seconds.
 */
async function fail(count: number, email: string, address: string): Promise<number[]> {
  const waits: number[] = [];
  let failures = 0;
  while (failures < count) {
    const r = await attempt(email, "wrong password!", address);
    if (r.ok) throw new Error("a wrong password signed in");
    if (r.error.code === "rate_limit:login") {
      const wait = r.error.retryAfter ?? 0;
      expect(wait).toBeGreaterThan(0);
      waits.push(wait);
      now += wait * SECOND;
      continue;
    }
    expect(r.error.code).toBe("unauthorized:staff");
    failures++;
  }
  return waits;
}

/** The wait a refused attempt was told, in seconds (fails the test if it was not refused). */
async function refusedFor(email: string, password: string, address: string): Promise<number> {
  const r = await attempt(email, password, address);
  expect(outcome(r)).toBe("rate_limit:login");
  return r.ok ? 0 : (r.error.retryAfter ?? 0);
}

describe("sign-in throttling", () => {
  it("30 failures for admin from one address never keep the admin out from another", async () => {
    const A = "198.51.100.10";
    const B = "203.0.113.20";
    await fail(30, ADMIN, A);

    // The right password from A is refused, without being checked, while A is throttled…
    const wait = await refusedFor(ADMIN, PASSWORD, A);
    expect(wait).toBe(15 * 60);
    // …and from B, which has not been failing, it signs in at once.
    const fromB = await attempt(ADMIN, PASSWORD, B);
    expect(fromB).toMatchObject({ ok: true, user: { email: ADMIN, role: "admin" } });

    // So does another account from B, and the admin from B again.
    expect(outcome(await attempt("agent@demo.local", PASSWORD, B))).toBe("ok");
    expect(outcome(await attempt(ADMIN, PASSWORD, B))).toBe("ok");
    // A is still refused until its wait is over.
    now += wait * SECOND - 1;
    expect(outcome(await attempt(ADMIN, PASSWORD, A))).toBe("rate_limit:login");
  });

  it("counts by the socket's peer: a rotating X-Forwarded-For does not reset the count", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(now);
    try {
      const submit = async (email: string, password: string, i: number) => {
        request.headers = new Headers({
          [PEER_HEADER]: "192.0.2.44",
          "x-forwarded-for": `10.0.${i >> 8}.${i & 255}`,
          "x-real-ip": `10.1.${i >> 8}.${i & 255}`,
        });
        const form = new FormData();
        form.set("email", email);
        form.set("password", password);
        return signInAction({}, form);
      };

      // One account: the pair's delay starts after 5 failures, whatever the header says.
      for (let i = 0; i < 5; i++) {
        const state = await submit(ADMIN, "wrong password!", i);
        expect(state.error?.message).toBe("Email or password is incorrect.");
      }
      const pair = await submit(ADMIN, PASSWORD, 5);
      expect(pair.error).toEqual({
        message: "Too many failed sign-in attempts. Try again in 1 second.",
        retryAfter: 1,
      });

      // Many accounts: the address's delay starts after 20 failures in all.
      for (let i = 0; i < 15; i++) {
        const state = await submit(`nobody${i}@example.com`, "wrong password!", 100 + i);
        expect(state.error?.message).toBe("Email or password is incorrect.");
      }
      const address = await submit("moderator@demo.local", PASSWORD, 200);
      expect(address.error).toMatchObject({ retryAfter: 1 });

      // Another peer is not affected, and signs in (the action redirects).
      request.headers = new Headers({ [PEER_HEADER]: "192.0.2.45" });
      const form = new FormData();
      form.set("email", "moderator@demo.local");
      form.set("password", PASSWORD);
      await expect(signInAction({}, form)).rejects.toThrow("REDIRECT /agent");
    } finally {
      vi.useRealTimers();
    }
  });

  it("makes the delays grow, doubling to a 15-minute cap", async () => {
    // Per account and address: 5 free failures, then 1 s, 2 s, 4 s…
    const pair = await fail(17, ADMIN, "198.51.100.30");
    expect(pair).toEqual([1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 900, 900]);

    // Per address, across accounts: 20 free failures, then the same growth.
    const waits: number[] = [];
    for (let i = 0; i < 32; i++) {
      const address = "198.51.100.31";
      const r = await attempt(`someone${i}@example.com`, "wrong password!", address);
      if (!r.ok && r.error.code === "rate_limit:login") {
        waits.push(r.error.retryAfter ?? 0);
        now += (r.error.retryAfter ?? 0) * SECOND;
        i--; // The same guess again, once the wait is over.
        continue;
      }
      expect(outcome(r)).toBe("unauthorized:staff");
    }
    expect(waits).toEqual([1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 900, 900]);
    // The message rounds longer waits up to minutes.
    const r = await attempt("someone@example.com", "wrong password!", "198.51.100.31");
    expect(r.ok ? "" : r.error.message).toBe(
      "Too many failed sign-in attempts. Try again in 15 minutes.",
    );
  });

  it("throttles unknown emails per address too, and answers them as it answers real ones", async () => {
    const C = "198.51.100.40";
    // The same unknown email: its pair is throttled after 5, as a real account's would be.
    await fail(5, "ghost@example.com", C);
    const ghost = await refusedFor("ghost@example.com", "anything at all", C);
    await fail(5, ADMIN, "198.51.100.41");
    expect(await refusedFor(ADMIN, PASSWORD, "198.51.100.41")).toBe(ghost);

    // Different unknown emails from one address: throttled after 20 in all.
    await fail(15, "ghost2@example.com", C);
    // (ghost2's own pair was throttled on the way; a fresh unknown email is refused now.)
    expect(await refusedFor("ghost3@example.com", "anything at all", C)).toBeGreaterThan(0);
    // Even the right password for a real account, from that address.
    expect(await refusedFor(ADMIN, PASSWORD, C)).toBeGreaterThan(0);
    // Not from another address.
    expect(outcome(await attempt(ADMIN, PASSWORD, "198.51.100.42"))).toBe("ok");
  });

  it("counts an IPv6 client by its /64", async () => {
    for (let i = 0; i < 20; i++) {
      const r = await attempt(`v6-${i}@example.com`, "wrong password!", `2001:db8:1:2::${i + 1}`);
      expect(outcome(r)).toBe("unauthorized:staff");
    }
    expect(await refusedFor(ADMIN, PASSWORD, "2001:db8:1:2:ffff::9")).toBe(1);
    expect(outcome(await attempt(ADMIN, PASSWORD, "2001:db8:1:3::1"))).toBe("ok");
  });

  it("resets the account and address pair on a successful sign-in", async () => {
    const D = "198.51.100.50";
    await fail(4, ADMIN, D);
    expect(outcome(await attempt(ADMIN, PASSWORD, D))).toBe("ok");
    // Counting starts again: 4 failures are free once more, and the 5th brings 1 s.
    expect(await fail(5, ADMIN, D)).toEqual([]);
    expect(await refusedFor(ADMIN, PASSWORD, D)).toBe(1);

    // Without the reset, the same attempts would be a 9th failure, waiting 16 s.
    const E = "198.51.100.51";
    await fail(9, ADMIN, E);
    expect(await refusedFor(ADMIN, PASSWORD, E)).toBe(16);
  });
});
