import { spawnSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { createEngine } from "@/lib/engine";
import { tempDir } from "../support/files";

/** Runs the CLI exactly as `npm run app-clients` does, against a temporary DATA_DIR. */
function appClients(dataDir: string, args: string[], env: Record<string, string> = {}) {
  const root = path.resolve(import.meta.dirname, "../..");
  const result = spawnSync(
    path.join(root, "node_modules/.bin/tsx"),
    ["cli/app-clients.ts", ...args],
    {
      cwd: root,
      encoding: "utf8",
      env: {
        ...process.env,
        DATA_DIR: dataDir,
        VECTARA_API_KEY: "",
        VECTARA_CLIENT_ID: "",
        VECTARA_CLIENT_SECRET: "",
        ...env,
      },
      timeout: 90_000,
    },
  );
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Asks the engine in `dataDir` for a token, as an OAuth client would. */
async function requestToken(dataDir: string, clientId: string, clientSecret: string) {
  const engine = createEngine({ dataDir, log: () => undefined });
  try {
    const response = await engine.handle(
      new Request("http://parley.local/oauth2/token", {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({
          grant_type: "client_credentials",
          client_id: clientId,
          client_secret: clientSecret,
        }),
      }),
    );
    return response.status;
  } finally {
    engine.close();
  }
}

// Each test spawns the real CLI a few times (tsx compiles it each time): minutes under load, not ms.
describe("npm run app-clients", { timeout: 180_000 }, () => {
  it("adds a client whose printed credentials get a token; lists, disables and deletes it", async () => {
    const dir = tempDir("parley-cli-app-clients-");
    const added = appClients(dir, [
      "add",
      "Support widget",
      "--role",
      "serving",
      "--corpus",
      "kb,faq",
    ]);
    expect(added.code).toBe(0);
    expect(added.stdout).toMatch(/^Added app client Support widget \(serving, corpora: kb,faq\)\./);
    const clientId = added.stdout.match(/^client_id:\s+(\S+)$/m)?.[1] as string;
    const secret = added.stdout.match(/^client_secret:\s+(\S+)$/m)?.[1] as string;
    expect(clientId).toMatch(/^[0-9a-f]{32}$/);
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await requestToken(dir, clientId, secret)).toBe(200);

    const list = appClients(dir, ["list"]);
    expect(list.code).toBe(0);
    const lines = list.stdout.trim().split("\n");
    expect(lines[0]).toMatch(/^CLIENT_ID\s+NAME\s+ROLE\s+CORPORA\s+STATUS\s+CREATED$/);
    expect(lines[1]).toMatch(
      new RegExp(
        `^${clientId}\\s+Support widget\\s+serving\\s+kb,faq\\s+enabled\\s+\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d$`,
      ),
    );
    expect(list.stdout).not.toContain(secret);

    expect(appClients(dir, ["disable", clientId]).code).toBe(0);
    expect(appClients(dir, ["list"]).stdout).toMatch(/serving\s+kb,faq\s+disabled/);
    expect(await requestToken(dir, clientId, secret)).toBe(401);

    expect(appClients(dir, ["delete", clientId])).toMatchObject({ code: 0 });
    expect(appClients(dir, ["list"]).stdout).toMatch(/^No app clients yet/);
    const again = appClients(dir, ["delete", clientId]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/No app client has the id/);
  });

  it("rejects bad usage with exit 2 and refuses to run in remote mode", () => {
    const dir = tempDir("parley-cli-app-clients-");
    const noRole = appClients(dir, ["add", "x"]);
    expect(noRole.code).toBe(2);
    expect(noRole.stderr).toMatch(/--role/);
    expect(appClients(dir, ["add", "x", "--role", "root"]).stderr).toMatch(/unknown role: root/);
    expect(appClients(dir, ["add", "x", "--role", "personal", "--corpus", "kb"]).stderr).toMatch(
      /personal client reaches every corpus/,
    );
    expect(appClients(dir, ["add", "x", "--role", "serving", "--corpus", "bad key!"]).code).toBe(2);
    expect(appClients(dir, ["frobnicate"]).code).toBe(2);

    const remote = appClients(dir, ["list"], { VECTARA_API_KEY: "zqt_remote_key_123" });
    expect(remote.code).toBe(2);
    expect(remote.stderr).toMatch(/remote mode/);
  });
});
