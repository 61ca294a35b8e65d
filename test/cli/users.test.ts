import { spawnSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir } from "../support/files";

/** Runs the CLI exactly as `npm run users` does, against a temporary DATA_DIR. */
function users(dataDir: string, args: string[], input = "") {
  const root = path.resolve(import.meta.dirname, "../..");
  const result = spawnSync(
    path.join(root, "node_modules/.bin/tsx"),
    ["--conditions", "react-server", "cli/users.ts", ...args],
    {
      cwd: root,
      input,
      encoding: "utf8",
      env: { ...process.env, DATA_DIR: dataDir, DATABASE_URL: "", VECTARA_API_KEY: "" },
      timeout: 90_000,
    },
  );
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

// Each test spawns the real CLI a few times (tsx compiles it each time): minutes under load, not ms.
describe("npm run users", { timeout: 180_000 }, () => {
  it("adds a user with a piped password, lists, changes the role and disables", () => {
    const dir = tempDir("parley-cli-users-");
    const added = users(
      dir,
      ["add", "Ana@Example.com", "--role", "agent"],
      "correct horse battery\n",
    );
    expect(added).toMatchObject({ code: 0, stdout: "Added ana@example.com (agent).\n" });

    const dup = users(
      dir,
      ["add", "ana@example.com", "--role", "admin"],
      "correct horse battery\n",
    );
    expect(dup.code).toBe(1);
    expect(dup.stderr).toMatch(/already exists/);

    expect(users(dir, ["set-role", "ana@example.com", "moderator"]).code).toBe(0);
    expect(users(dir, ["disable", "ana@example.com"]).code).toBe(0);

    const list = users(dir, ["list"]);
    expect(list.code).toBe(0);
    const lines = list.stdout.trim().split("\n");
    expect(lines[0]).toMatch(/^EMAIL\s+ROLE\s+STATUS\s+CREATED$/);
    expect(lines[1]).toMatch(
      /^ana@example\.com\s+moderator\s+disabled\s+\d{4}-\d\d-\d\d \d\d:\d\d$/,
    );

    expect(users(dir, ["enable", "ana@example.com"]).code).toBe(0);
    expect(users(dir, ["list"]).stdout).toMatch(/moderator\s+active/);
  });

  it("refuses a short password and an unknown user with exit 1", () => {
    const dir = tempDir("parley-cli-users-");
    const short = users(dir, ["add", "bo@example.com", "--role", "admin"], "too short\n");
    expect(short.code).toBe(1);
    expect(short.stderr).toMatch(/at least 12 characters/);
    expect(users(dir, ["list"]).stdout).toMatch(/No users yet/);

    const missing = users(dir, ["set-password", "ghost@example.com"], "correct horse battery\n");
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/No user has the email ghost@example\.com/);
  });

  it("exits 2 with the usage on a bad command line", () => {
    const dir = tempDir("parley-cli-users-");
    for (const args of [
      ["frobnicate"],
      ["add", "ana@example.com"],
      ["add", "ana@example.com", "--role", "owner"],
      ["add", "not-an-email", "--role", "agent"],
      ["set-role", "ana@example.com"],
      ["list", "extra"],
    ]) {
      const r = users(dir, args);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr).toMatch(/^users: .+\n\nUsage: npm run users/);
    }
  });
});
