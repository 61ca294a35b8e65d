import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import config from "../playwright.config";
import { expect, test } from "./fixtures";
import { E2E_API_KEY } from "./support/keys";
import { REMOTE_BASE_URL } from "./support/remote";

/**
 * No credential reaches the browser: not in the built client assets (`.next/static`, the
 * build the test servers run), not in the HTML of the pages anyone can load. The secrets
 * are the ones the servers were actually started with (playwright.config.ts's webServer
 * env), plus the session secrets each instance generated in its data directory.
 */

const root = fileURLToPath(new URL("..", import.meta.url));
const staticDir = join(root, ".next", "static");

/** Variables whose values are credentials, whichever server got them. */
const SECRET_VARIABLE =
  /^(VECTARA_API_KEY|VECTARA_CLIENT_SECRET|VECTARA_CLIENT_ID|LOCAL_API_KEY|LOCAL_APP_CLIENT_SECRET|LLM_API_KEY|AUTH_SECRET|DEMO_PASSWORD|DATABASE_URL)$/;

function startupSecrets(): Map<string, string> {
  const secrets = new Map<string, string>([["E2E_API_KEY", E2E_API_KEY]]);
  const servers = config.webServer ? [config.webServer].flat() : [];
  servers.forEach((server, index) => {
    for (const [name, value] of Object.entries(server.env ?? {})) {
      if (SECRET_VARIABLE.test(name) && value && value.length >= 8) {
        secrets.set(`${name} (server ${index + 1})`, value);
      }
    }
  });
  for (const [label, dir] of [
    ["local", process.env.PARLEY_E2E_DATA_DIR],
    ["remote", process.env.PARLEY_E2E_REMOTE_DATA_DIR],
  ] as const) {
    if (!dir) continue;
    try {
      const secret = readFileSync(join(dir, "auth-secret"), "utf8").trim();
      if (secret) secrets.set(`generated AUTH_SECRET (${label})`, secret);
    } catch {
      // This instance has not written one (yet, or it was given AUTH_SECRET).
    }
  }
  return secrets;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}

/** "<secret name> in <where>" for each secret found in `text`. */
function leaks(secrets: Map<string, string>, where: string, text: string): string[] {
  return [...secrets]
    .filter(([, value]) => text.includes(value))
    .map(([name]) => `${name} in ${where}`);
}

test.describe("client assets", () => {
  test("the servers were started with the secrets this spec looks for", () => {
    const secrets = startupSecrets();
    const names = [...secrets.keys()].join(", ");
    // The local app got E2E_API_KEY, DEMO_PASSWORD and its OAuth client's secret; the
    // remote instance signs in with that client.
    expect(names).toMatch(/LOCAL_API_KEY \(server 1\)/);
    expect(names).toMatch(/LOCAL_APP_CLIENT_SECRET \(server 1\)/);
    expect(names).toMatch(/VECTARA_CLIENT_SECRET \(server 3\)/);
    expect(names).toMatch(/DEMO_PASSWORD/);
  });

  test("no file under .next/static holds a credential", () => {
    const secrets = startupSecrets();
    const files = filesUnder(staticDir);
    expect(files.filter((f) => f.endsWith(".js")).length).toBeGreaterThan(0);
    const found = files.flatMap((file) =>
      leaks(secrets, relative(root, file), readFileSync(file).toString("latin1")),
    );
    expect(found).toEqual([]);
  });

  for (const [label, base] of [
    ["local", undefined],
    ["remote", REMOTE_BASE_URL],
  ] as const) {
    test(`the ${label} instance's public pages hold no credential`, async ({
      request,
      baseURL,
    }) => {
      const secrets = startupSecrets();
      const origin = base ?? (baseURL as string);
      const found: string[] = [];
      for (const path of ["/", "/login", "/agent"]) {
        // /agent redirects a visitor to /login; the request follows it.
        const response = await request.get(`${origin}${path}`);
        expect(response.status(), path).toBe(200);
        const html = await response.text();
        // The scan reads real pages: the home page's welcome, the login form.
        expect(html).toContain("Parley");
        found.push(...leaks(secrets, `${label} ${path}`, html));
      }
      expect(found).toEqual([]);
    });
  }

  test("the scan would catch a leak", () => {
    const secrets = new Map([["E2E_API_KEY", E2E_API_KEY]]);
    expect(leaks(secrets, "sample", `const key = "${E2E_API_KEY}";`)).toEqual([
      "E2E_API_KEY in sample",
    ]);
  });
});
