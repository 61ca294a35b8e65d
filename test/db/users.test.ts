import { describe, expect, it, vi } from "vitest";
import { appDbs } from "../support/app-db";

vi.mock("server-only", () => ({}));
const db$ = await import("@/lib/db");
const {
  createStaffSession,
  createUser,
  deleteExpiredStaffSessions,
  deleteStaffSessionBySessionHash,
  DuplicateUserError,
  getStaffSessionBySessionHash,
  getUserByEmail,
  getUserByUserId,
  getUserCredentialsByEmail,
  hitRateLimitByKey,
  listUsers,
  peekRateLimitByKey,
  rotateStaffSessionBySessionHash,
  setUserDisabledByUserId,
  setUserPasswordByUserId,
  setUserRoleByUserId,
  touchStaffSessionBySessionHash,
} = db$;

describe.each(appDbs)("staff accounts ($name)", (engine) => {
  async function setup() {
    const db = await engine.open();
    const user = await createUser({
      db,
      email: "  Ana@Example.COM ",
      passwordHash: "hash-1",
      role: "agent",
      now: 10,
    });
    return { db, user };
  }

  describe("staff users", () => {
    it("stores emails lowercased and trimmed, and finds users by email or id", async () => {
      const { db, user } = await setup();
      expect(user).toMatchObject({ email: "ana@example.com", role: "agent", disabled: false });
      expect(user.userId).toMatch(/^usr_[A-Za-z0-9_-]{22}$/);
      expect(await getUserByEmail({ db, email: "ANA@example.com" })).toEqual(user);
      expect(await getUserByUserId({ db, userId: user.userId })).toEqual(user);
      expect(await getUserByEmail({ db, email: "nobody@example.com" })).toBeUndefined();
      // The hash is only handed out by the credentials lookup.
      expect(JSON.stringify(await listUsers({ db }))).not.toContain("hash-1");
      expect(await getUserCredentialsByEmail({ db, email: "ana@example.com" })).toEqual({
        user,
        passwordHash: "hash-1",
      });
      await db.close();
    });

    it("refuses a second account for the same email with DuplicateUserError", async () => {
      const { db } = await setup();
      const again = createUser({
        db,
        email: "ANA@example.com",
        passwordHash: "h",
        role: "admin",
        now: 1,
      });
      await expect(again).rejects.toBeInstanceOf(DuplicateUserError);
      expect(await listUsers({ db })).toHaveLength(1);
      await db.close();
    });

    it("lists users by email and changes roles", async () => {
      const { db, user } = await setup();
      await createUser({ db, email: "zed@example.com", passwordHash: "h", role: "admin", now: 11 });
      await createUser({
        db,
        email: "bo@example.com",
        passwordHash: "h",
        role: "moderator",
        now: 12,
      });
      expect((await listUsers({ db })).map((u) => u.email)).toEqual([
        "ana@example.com",
        "bo@example.com",
        "zed@example.com",
      ]);
      const updated = await setUserRoleByUserId({
        db,
        userId: user.userId,
        role: "admin",
        now: 20,
      });
      expect(updated).toMatchObject({ role: "admin", updatedAt: 20, createdAt: 10 });
      expect(
        await setUserRoleByUserId({ db, userId: "usr_none", role: "admin", now: 1 }),
      ).toBeUndefined();
      await db.close();
    });

    it("ends every session of a user who is disabled or gets a new password", async () => {
      const { db, user } = await setup();
      const other = await createUser({
        db,
        email: "bo@example.com",
        passwordHash: "h",
        role: "agent",
        now: 1,
      });
      const session = (hash: string, userId: string) =>
        createStaffSession({ db, sessionHash: hash, userId, now: 100, expiresAt: 1000 });
      await session("s1", user.userId);
      await session("s2", user.userId);
      await session("s3", other.userId);

      const disabled = await setUserDisabledByUserId({
        db,
        userId: user.userId,
        disabled: true,
        now: 200,
      });
      expect(disabled?.disabled).toBe(true);
      expect(await getStaffSessionBySessionHash({ db, sessionHash: "s1" })).toBeUndefined();
      expect(await getStaffSessionBySessionHash({ db, sessionHash: "s2" })).toBeUndefined();
      expect(await getStaffSessionBySessionHash({ db, sessionHash: "s3" })).toBeDefined();
      expect(
        (await setUserDisabledByUserId({ db, userId: user.userId, disabled: false, now: 300 }))
          ?.disabled,
      ).toBe(false);

      await setUserPasswordByUserId({ db, userId: other.userId, passwordHash: "new", now: 400 });
      expect(await getStaffSessionBySessionHash({ db, sessionHash: "s3" })).toBeUndefined();
      expect((await getUserCredentialsByEmail({ db, email: "bo@example.com" }))?.passwordHash).toBe(
        "new",
      );
      await db.close();
    });
  });

  describe("staff sessions", () => {
    it("reads a session with its user, touches, rotates and deletes it", async () => {
      const { db, user } = await setup();
      await createStaffSession({
        db,
        sessionHash: "old",
        userId: user.userId,
        now: 100,
        expiresAt: 5000,
      });
      expect(await getStaffSessionBySessionHash({ db, sessionHash: "old" })).toEqual({
        sessionHash: "old",
        userId: user.userId,
        createdAt: 100,
        lastSeenAt: 100,
        expiresAt: 5000,
        user,
      });

      expect(await touchStaffSessionBySessionHash({ db, sessionHash: "old", now: 150 })).toBe(true);
      expect((await getStaffSessionBySessionHash({ db, sessionHash: "old" }))?.lastSeenAt).toBe(
        150,
      );

      const rotate = () =>
        rotateStaffSessionBySessionHash({
          db,
          oldHash: "old",
          newHash: "new",
          now: 200,
          expiresAt: 5000,
        });
      expect(await rotate()).toBe(true);
      // Only one rotation of the same token wins; the old hash is gone.
      expect(await rotate()).toBe(false);
      expect(await getStaffSessionBySessionHash({ db, sessionHash: "old" })).toBeUndefined();
      expect(await getStaffSessionBySessionHash({ db, sessionHash: "new" })).toMatchObject({
        createdAt: 200,
        lastSeenAt: 200,
        expiresAt: 5000,
      });

      expect(await deleteStaffSessionBySessionHash({ db, sessionHash: "new" })).toBe(true);
      expect(await deleteStaffSessionBySessionHash({ db, sessionHash: "new" })).toBe(false);
      await db.close();
    });

    it("deletes sessions past their end, and idle ones when asked", async () => {
      const { db, user } = await setup();
      const make = (sessionHash: string, now: number, expiresAt: number) =>
        createStaffSession({ db, sessionHash, userId: user.userId, now, expiresAt });
      await make("ended", 0, 1000);
      await make("idle", 500, 10_000);
      await make("live", 1900, 10_000);
      expect(await deleteExpiredStaffSessions({ db, now: 2000 })).toBe(1);
      expect(await deleteExpiredStaffSessions({ db, now: 2000, idleMs: 1000 })).toBe(1);
      expect(await getStaffSessionBySessionHash({ db, sessionHash: "live" })).toBeDefined();
      await db.close();
    });

    it("removes a user's sessions with the user", async () => {
      const { db, user } = await setup();
      await createStaffSession({ db, sessionHash: "s", userId: user.userId, now: 1, expiresAt: 9 });
      await db.run("DELETE FROM users WHERE user_id = ?", [user.userId]);
      expect(await getStaffSessionBySessionHash({ db, sessionHash: "s" })).toBeUndefined();
      await db.close();
    });
  });

  describe("peekRateLimitByKey", () => {
    it("reads the window's count without adding a hit", async () => {
      const db = await engine.open();
      const limits = { key: "login:x", limit: 2, windowMs: 1000 };
      expect(await peekRateLimitByKey({ db, ...limits, now: 100 })).toEqual({
        allowed: true,
        remaining: 2,
        retryAfterMs: 0,
      });
      await hitRateLimitByKey({ db, ...limits, now: 100 });
      await hitRateLimitByKey({ db, ...limits, now: 200 });
      expect(await peekRateLimitByKey({ db, ...limits, now: 300 })).toEqual({
        allowed: false,
        remaining: 0,
        retryAfterMs: 700,
      });
      expect((await peekRateLimitByKey({ db, ...limits, now: 1000 })).allowed).toBe(true);
      await db.close();
    });
  });
});
