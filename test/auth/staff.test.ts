import { afterAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { Role } from "@/lib/auth/staff";
import { tempDir } from "../support/files";

/**
 * The staff session layer against a real app database, with `next/headers` as
 * an in-memory cookie jar. `readonly` makes the jar behave as in a server
 * component, where setting a cookie throws.
 */
const request = vi.hoisted(() => ({
  jar: new Map<string, { value: string; options?: Record<string, unknown> }>(),
  headers: new Headers(),
  readonly: false,
}));

vi.mock("server-only", () => ({}));
vi.mock("next/headers", () => ({
  cookies: async () => ({
    get: (name: string) => {
      const c = request.jar.get(name);
      return c ? { name, value: c.value } : undefined;
    },
    set: (name: string, value: string, options?: Record<string, unknown>) => {
      if (request.readonly) throw new Error("Cookies can only be modified in a Server Action");
      request.jar.set(name, { value, options });
    },
    delete: (name: string) => {
      if (request.readonly) throw new Error("Cookies can only be modified in a Server Action");
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

const dataDir = tempDir("parley-staff-");
vi.stubEnv("DATA_DIR", dataDir);
vi.stubEnv("DATABASE_URL", "");
vi.stubEnv("AUTH_SECRET", "");
vi.stubEnv("TRUSTED_PROXY_HOPS", "");
delete (globalThis as { __parleyAppDb?: unknown }).__parleyAppDb;

const staff = await import("@/lib/auth/staff");
const { createUser, getAppDb, setUserDisabledByUserId } = await import("@/lib/db");
const { hashPassword } = await import("@/lib/auth/password");
const { AppError } = await import("@/lib/http/errors");

const PASSWORD = "correct horse battery";
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
let clock = Date.UTC(2026, 10, 1, 9, 0, 0);
let hash: string;

beforeEach(async () => {
  vi.useFakeTimers({ toFake: ["Date"] });
  clock += 24 * HOUR; // Each test starts in a fresh rate-limit window.
  vi.setSystemTime(clock);
  request.jar.clear();
  request.headers = new Headers({ origin: "https://parley.example" });
  request.readonly = false;
  hash ??= await hashPassword(PASSWORD);
});

afterAll(async () => {
  vi.useRealTimers();
  await (await getAppDb()).close();
  delete (globalThis as { __parleyAppDb?: unknown }).__parleyAppDb;
  vi.unstubAllEnvs();
});

let n = 0;
async function makeUser(role: Role = "agent") {
  const db = await getAppDb();
  return createUser({
    db,
    email: `user${++n}@example.com`,
    passwordHash: hash,
    role,
    now: Date.now(),
  });
}

function advance(ms: number) {
  vi.setSystemTime(Date.now() + ms);
}

const cookie = () => request.jar.get(staff.STAFF_COOKIE);

async function signedIn(role: Role = "agent") {
  const user = await makeUser(role);
  const result = await staff.signIn({
    email: user.email,
    password: PASSWORD,
    address: "203.0.113.9",
  });
  expect(result.ok).toBe(true);
  return user;
}

describe("signing in", () => {
  it("sets an httpOnly, Lax, Secure session cookie that signs the user in", async () => {
    const user = await makeUser("moderator");
    const result = await staff.signIn({
      email: `  ${user.email.toUpperCase()} `,
      password: PASSWORD,
      address: "203.0.113.1",
    });
    expect(result).toEqual({
      ok: true,
      user: { userId: user.userId, email: user.email, role: "moderator" },
    });
    expect(cookie()?.value).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(cookie()?.options).toMatchObject({
      httpOnly: true,
      sameSite: "lax",
      secure: true,
      path: "/",
      maxAge: 12 * 60 * 60,
    });
    expect(await staff.getStaffUser()).toEqual({
      userId: user.userId,
      email: user.email,
      role: "moderator",
    });
    // The database holds only a hash of the token.
    const db = await getAppDb();
    expect(
      await db.get("SELECT 1 FROM staff_sessions WHERE session_hash = ?", [cookie()?.value ?? ""]),
    ).toBeUndefined();
  });

  it("leaves Secure off over plain http, whatever an untrusted X-Forwarded-Proto says", async () => {
    request.headers = new Headers({
      origin: "http://parley.example",
      "x-forwarded-proto": "https",
    });
    await signedIn();
    expect(cookie()?.options?.secure).toBe(false);
  });

  it("gives the same answer for an unknown email and a wrong password", async () => {
    const user = await makeUser();
    const wrong = await staff.signIn({ email: user.email, password: "not the password" });
    const unknown = await staff.signIn({
      email: "ghost@example.com",
      password: PASSWORD,
    });
    for (const result of [wrong, unknown]) {
      expect(result.ok).toBe(false);
      if (result.ok) continue;
      expect(result.error).toBeInstanceOf(AppError);
      expect(result.error.code).toBe("unauthorized:staff");
      expect(result.error.message).toBe("Email or password is incorrect.");
    }
    expect(cookie()).toBeUndefined();
  });

  it("refuses a disabled user, even with the right password", async () => {
    const user = await makeUser();
    await setUserDisabledByUserId({
      db: await getAppDb(),
      userId: user.userId,
      disabled: true,
      now: 1,
    });
    const result = await staff.signIn({ email: user.email, password: PASSWORD });
    expect(result.ok).toBe(false);
    expect(result.ok ? undefined : result.error.code).toBe("forbidden:staff");
    expect(cookie()).toBeUndefined();
  });

  it("throttles an account from one address after 5 failures, with a wait, but not from another", async () => {
    const user = await makeUser();
    for (let i = 0; i < 5; i++) {
      const r = await staff.signIn({
        email: user.email,
        password: "wrong password!",
        address: "198.51.100.1",
      });
      expect(r.ok ? undefined : r.error.code).toBe("unauthorized:staff");
    }
    // Refused without checking the password, even the right one.
    const blocked = await staff.signIn({
      email: user.email,
      password: PASSWORD,
      address: "198.51.100.1",
    });
    expect(blocked.ok).toBe(false);
    if (blocked.ok) return;
    expect(blocked.error.code).toBe("rate_limit:login");
    expect(blocked.error.retryAfter).toBe(1);
    expect(blocked.error.message).toBe("Too many failed sign-in attempts. Try again in 1 second.");
    expect(blocked.error.toResponse().status).toBe(429);
    expect(cookie()).toBeUndefined();

    // No account-wide lock: the owner signs in from elsewhere at once.
    expect(
      (await staff.signIn({ email: user.email, password: PASSWORD, address: "198.51.100.2" })).ok,
    ).toBe(true);
    // And from the failing address once its wait is over.
    advance(1_000);
    expect(
      (await staff.signIn({ email: user.email, password: PASSWORD, address: "198.51.100.1" })).ok,
    ).toBe(true);
  });

  it("throttles an address after 20 failures, across emails", async () => {
    const user = await makeUser();
    for (let i = 0; i < 20; i++) {
      await staff.signIn({
        email: `nobody${i}@example.com`,
        password: "wrong password!",
        address: "192.0.2.7",
      });
    }
    const blocked = await staff.signIn({
      email: user.email,
      password: PASSWORD,
      address: "192.0.2.7",
    });
    expect(blocked.ok ? undefined : blocked.error.code).toBe("rate_limit:login");
    // Another address is not affected.
    expect(
      (await staff.signIn({ email: user.email, password: PASSWORD, address: "192.0.2.8" })).ok,
    ).toBe(true);
  });
});

describe("sessions", () => {
  it("end 2 hours after the last request", async () => {
    await signedIn();
    request.readonly = true; // Server components: validation only.
    advance(2 * HOUR - MINUTE);
    expect(await staff.getStaffUser()).not.toBeNull();
    advance(2 * HOUR - MINUTE); // Counted from the last request, not from sign-in.
    expect(await staff.getStaffUser()).not.toBeNull();
    advance(2 * HOUR);
    expect(await staff.getStaffUser()).toBeNull();
  });

  it("end 12 hours after sign-in, however active the user is", async () => {
    await signedIn();
    for (let elapsed = 0; elapsed < 12 * HOUR - HOUR; elapsed += HOUR) {
      advance(HOUR);
      expect(await staff.getStaffUser()).not.toBeNull();
    }
    advance(HOUR);
    expect(await staff.getStaffUser()).toBeNull();
  });

  it("rotate the token after 15 minutes: the user stays signed in, the old token stops working", async () => {
    await signedIn();
    const first = cookie()?.value ?? "";
    advance(10 * MINUTE);
    expect(await staff.getStaffUser()).not.toBeNull();
    expect(cookie()?.value).toBe(first);

    advance(6 * MINUTE);
    expect(await staff.getStaffUser()).not.toBeNull();
    const second = cookie()?.value ?? "";
    expect(second).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(second).not.toBe(first);
    // The new cookie keeps the session's absolute end: 12 h minus the 16 minutes gone.
    expect(cookie()?.options?.maxAge).toBe(12 * 60 * 60 - 16 * 60);
    expect(await staff.getStaffUser()).not.toBeNull();

    request.jar.set(staff.STAFF_COOKIE, { value: first });
    expect(await staff.getStaffUser()).toBeNull();
    request.jar.set(staff.STAFF_COOKIE, { value: second });
    expect(await staff.getStaffUser()).not.toBeNull();
  });

  it("do not rotate where cookies cannot be set, and stay valid", async () => {
    await signedIn();
    const first = cookie()?.value;
    request.readonly = true;
    advance(20 * MINUTE);
    expect(await staff.getStaffUser()).not.toBeNull();
    expect(cookie()?.value).toBe(first);
    expect(await staff.getStaffUser()).not.toBeNull();
  });

  it("end when the user is disabled", async () => {
    const user = await signedIn();
    expect(await staff.getStaffUser()).not.toBeNull();
    await setUserDisabledByUserId({
      db: await getAppDb(),
      userId: user.userId,
      disabled: true,
      now: 1,
    });
    expect(await staff.getStaffUser()).toBeNull();
  });

  it("ignore a forged or malformed cookie", async () => {
    request.jar.set(staff.STAFF_COOKIE, { value: "A".repeat(43) });
    expect(await staff.getStaffUser()).toBeNull();
    request.jar.set(staff.STAFF_COOKIE, { value: "not a token" });
    expect(await staff.getStaffUser()).toBeNull();
  });

  it("end with sign-out, which removes the cookie", async () => {
    await signedIn();
    const token = cookie()?.value ?? "";
    await staff.signOut();
    expect(cookie()).toBeUndefined();
    request.jar.set(staff.STAFF_COOKIE, { value: token });
    expect(await staff.getStaffUser()).toBeNull();
  });
});

describe("guards", () => {
  it("rank roles agent < moderator < admin", () => {
    expect(staff.ROLES).toEqual(["agent", "moderator", "admin"]);
    expect(staff.hasRole({ role: "admin" }, "moderator")).toBe(true);
    expect(staff.hasRole({ role: "moderator" }, "moderator")).toBe(true);
    expect(staff.hasRole({ role: "agent" }, "moderator")).toBe(false);
  });

  it("pages: signed out goes to sign-in with the path, too low a role is a 403", async () => {
    request.headers.set("x-parley-path", "/admin/users?tab=2");
    await expect(staff.requireStaffPage("agent")).rejects.toThrow(
      `REDIRECT /login?next=${encodeURIComponent("/admin/users?tab=2")}`,
    );
    await signedIn("agent");
    await expect(staff.requireStaffPage("admin")).rejects.toThrow("FORBIDDEN");
    await expect(staff.requireStaffPage("agent")).resolves.toMatchObject({ role: "agent" });
  });

  it("route handlers: 401 signed out, 403 too low or cross-site, else the user", async () => {
    const get = new Request("https://parley.example/api/x", {
      headers: { host: "parley.example" },
    });
    const signedOut = await staff.requireStaffRoute(get, "agent");
    expect(signedOut.ok).toBe(false);
    if (!signedOut.ok) {
      expect(signedOut.response.status).toBe(401);
      expect(await signedOut.response.json()).toMatchObject({ code: "unauthorized:staff" });
    }

    await signedIn("moderator");
    const low = await staff.requireStaffRoute(get, "admin");
    expect(low.ok ? 200 : low.response.status).toBe(403);
    expect((await staff.requireStaffRoute(get, "moderator")).ok).toBe(true);

    const post = (origin: string) =>
      new Request("https://parley.example/api/x", {
        method: "POST",
        headers: { host: "parley.example", origin },
      });
    const crossSite = await staff.requireStaffRoute(post("https://evil.example"), "agent");
    expect(crossSite.ok).toBe(false);
    if (!crossSite.ok) {
      expect(crossSite.response.status).toBe(403);
      expect(await crossSite.response.json()).toMatchObject({ code: "forbidden:staff" });
    }
    expect((await staff.requireStaffRoute(post("https://parley.example"), "agent")).ok).toBe(true);
  });

  it("server actions: throw AppErrors", async () => {
    await expect(staff.requireStaffAction("agent")).rejects.toMatchObject({
      code: "unauthorized:staff",
    });
    await signedIn("agent");
    await expect(staff.requireStaffAction("moderator")).rejects.toMatchObject({
      code: "forbidden:staff",
    });
    await expect(staff.requireStaffAction("agent")).resolves.toMatchObject({ role: "agent" });
  });
});

describe("demo staff", () => {
  it("creates the three demo accounts, and a new password replaces the old one", async () => {
    await staff.seedDemoStaff({ password: "demo-password-1" });
    for (const email of ["agent@demo.local", "moderator@demo.local", "admin@demo.local"]) {
      const r = await staff.signIn({ email, password: "demo-password-1" });
      expect(r.ok ? r.user.role : r.error.code).toBe(email.split("@")[0]);
    }
    // An unchanged password keeps existing sessions.
    await staff.seedDemoStaff({ password: "demo-password-1" });
    expect(await staff.getStaffUser()).toMatchObject({ email: "admin@demo.local" });

    await staff.seedDemoStaff({ password: "demo-password-2" });
    expect(await staff.getStaffUser()).toBeNull();
    expect(
      (await staff.signIn({ email: "admin@demo.local", password: "demo-password-1" })).ok,
    ).toBe(false);
    expect(
      (await staff.signIn({ email: "admin@demo.local", password: "demo-password-2" })).ok,
    ).toBe(true);
  });
});
