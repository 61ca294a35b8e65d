import { describe, expect, it, vi } from "vitest";

vi.mock("server-only", () => ({}));
const { hashPassword, passwordSchema, verifyDummyPassword, verifyPassword } = await import(
  "@/lib/auth/password"
);

describe("staff passwords", () => {
  it("hashes with argon2id and a per-hash salt, and verifies only the right password", async () => {
    const [a, b] = await Promise.all([
      hashPassword("correct horse battery"),
      hashPassword("correct horse battery"),
    ]);
    expect(a).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword({ passwordHash: a, password: "correct horse battery" })).toBe(true);
    expect(await verifyPassword({ passwordHash: a, password: "correct horse batterY" })).toBe(
      false,
    );
  });

  it("treats a malformed hash as a mismatch instead of throwing", async () => {
    for (const passwordHash of ["", "not a hash", "$argon2id$v=19$m=1,t=1,p=1$$", "$2b$10$abc"]) {
      expect(await verifyPassword({ passwordHash, password: "whatever password" })).toBe(false);
    }
  });

  it("has a dummy verification that always fails", async () => {
    expect(await verifyDummyPassword("any password at all")).toBe(false);
  });

  it("accepts passwords of 12 to 256 characters", () => {
    expect(passwordSchema.safeParse("x".repeat(11)).success).toBe(false);
    expect(passwordSchema.safeParse("x".repeat(12)).success).toBe(true);
    expect(passwordSchema.safeParse("x".repeat(256)).success).toBe(true);
    expect(passwordSchema.safeParse("x".repeat(257)).success).toBe(false);
  });
});
