import { readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { readOrCreateSecretFile, resolveAuthSecret } from "@/lib/auth/secret-file";
import { tempDir } from "../support/files";

describe("the auth secret", () => {
  it("prefers AUTH_SECRET and writes no file", async () => {
    const dataDir = tempDir("parley-secret-");
    const authSecret = "x".repeat(40);
    expect(await resolveAuthSecret({ authSecret, dataDir })).toBe(authSecret);
    expect(() => statSync(path.join(dataDir, "auth-secret"))).toThrow();
  });

  it("creates the file once, private to its owner, and reuses it", async () => {
    const dataDir = path.join(tempDir("parley-secret-"), "data");
    const first = await resolveAuthSecret({ dataDir });
    expect(first).toMatch(/^[0-9a-f]{64}$/);
    const file = path.join(dataDir, "auth-secret");
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(await resolveAuthSecret({ dataDir })).toBe(first);
    expect(readFileSync(file, "utf8").trim()).toBe(first);
  });

  it("agrees on one secret when many callers race to create it", async () => {
    const file = path.join(tempDir("parley-secret-"), "auth-secret");
    const secrets = await Promise.all(
      Array.from({ length: 8 }, () => readOrCreateSecretFile({ file })),
    );
    expect(new Set(secrets).size).toBe(1);
  });

  it("refuses a file holding a too-short secret", async () => {
    const file = path.join(tempDir("parley-secret-"), "auth-secret");
    writeFileSync(file, "short\n");
    await expect(readOrCreateSecretFile({ file })).rejects.toThrow(/shorter than 32/);
  });
});
