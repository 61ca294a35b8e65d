import { execFileSync } from "node:child_process";
import { accessSync, constants, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { defineConfig } from "@playwright/test";
import { NO_VECTARA_CREDENTIALS } from "./e2e/support/env";
import { E2E_API_KEY, E2E_APP_CLIENT } from "./e2e/support/keys";
import {
  FAULT_PROXY_PORT,
  FAULT_PROXY_URL,
  REMOTE_BASE_URL,
  REMOTE_PORT,
} from "./e2e/support/remote";
import { A1_PORT, A2_PORT, SCALE_OUT_RATE_LIMIT } from "./e2e/support/scale-out";
import { DEMO_PASSWORD } from "./e2e/support/staff";

const PORT = 3217;
const BASE_URL = `http://127.0.0.1:${PORT}`;

/**
 * Playwright cannot download its own browsers everywhere Parley is tested, so use the
 * system Chromium: CHROMIUM_PATH when set, else `chromium` on PATH, else Playwright's own.
 */
function findChromium(): string | undefined {
  const explicit = process.env.CHROMIUM_PATH?.trim();
  if (explicit) return explicit;
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, "chromium");
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not in this directory (or not executable): keep looking.
    }
  }
  return undefined;
}

// Each run gets a fresh, empty data directory, so tests never see state left by an
// earlier run. Playwright loads this file again in every worker; the directory is
// created once and handed to them through the environment they inherit.
process.env.PARLEY_E2E_DATA_DIR ??= mkdtempSync(join(tmpdir(), "parley-e2e-"));
process.env.PARLEY_E2E_REMOTE_DATA_DIR ??= mkdtempSync(join(tmpdir(), "parley-e2e-remote-"));
const dataDir = process.env.PARLEY_E2E_DATA_DIR;
const remoteDataDir = process.env.PARLEY_E2E_REMOTE_DATA_DIR;

/**
 * Every spec's browser talks to the servers from 127.0.0.1, so the per-address chat limit
 * would count the whole suite as one visitor; e2e/security.spec.ts meets it on a server
 * of its own.
 */
const SHARED_SERVER_ENV = {
  CHAT_RATE_LIMIT_PER_IP_PER_MINUTE: "1000000",
  // Answers paced (the same code) but ten times faster than the default 40 words a second,
  // so the suite's hundreds of answers do not wait for it; e2e/stop.spec.ts runs a server
  // of its own at a readable pace.
  ANSWER_WORDS_PER_SECOND: "400",
  // One JSON line per request would bury the test report; warnings and errors still show.
  // test/observability/ checks the request lines themselves.
  LOG_LEVEL: "warn",
  // The widget's host page in e2e/widget.spec.ts: on `localhost`, another site than the
  // servers' 127.0.0.1, so the frame is a third-party one as on a customer's site.
  WIDGET_ALLOWED_ORIGINS: "http://localhost:3250",
};

/**
 * The servers started after server 1 run its build (scripts/start.mjs), even when a file
 * was edited meanwhile: a rebuild would pull the build from under server 1.
 */
const SAME_BUILD = { PARLEY_USE_EXISTING_BUILD: "1" };

const REMOTE_CHAT_RATE_LIMIT = 3;
/** The remote instance's per-attempt client timeout; e2e/upstream-faults.spec.ts holds a reply longer. */
const REMOTE_VECTARA_TIMEOUT_MS = 2_000;

/**
 * Two more instances in remote mode against server 1 (e2e/scale-out.spec.ts), sharing a
 * fresh Postgres database and one AUTH_SECRET: only when PARLEY_E2E_DATABASE_URL names a
 * Postgres server (.ci/run sets it). The database is created once per run.
 */
const scaleOutAdminUrl = process.env.PARLEY_E2E_DATABASE_URL?.trim();
if (scaleOutAdminUrl && !process.env.PARLEY_E2E_SCALE_DB_URL) {
  process.env.PARLEY_E2E_SCALE_DB_URL = execFileSync(
    process.execPath,
    ["scripts/create-e2e-database.mjs", scaleOutAdminUrl],
    { encoding: "utf8" },
  ).trim();
}
const scaleOutDbUrl = process.env.PARLEY_E2E_SCALE_DB_URL;
const scaleOutServers = scaleOutDbUrl
  ? [A1_PORT, A2_PORT].map((port) => ({
      command: `node e2e/support/start-after.mjs ${BASE_URL}/api/health -- node scripts/start.mjs`,
      url: `http://127.0.0.1:${port}/api/health`,
      timeout: 180_000,
      reuseExistingServer: !process.env.CI,
      stdout: "pipe" as const,
      gracefulShutdown: { signal: "SIGTERM" as const, timeout: 5_000 },
      env: {
        PORT: String(port),
        HOSTNAME: "127.0.0.1",
        DATA_DIR: mkdtempSync(join(tmpdir(), `parley-e2e-a${port}-`)),
        ...NO_VECTARA_CREDENTIALS,
        ...SHARED_SERVER_ENV,
        ...SAME_BUILD,
        VECTARA_API_KEY: E2E_API_KEY,
        VECTARA_BASE_URL: BASE_URL,
        VECTARA_CORPUS_KEY: "support_kb",
        LOCAL_API_KEY: "",
        DATABASE_URL: scaleOutDbUrl,
        AUTH_SECRET: "e2e-scale-out-auth-secret-0123456789abcdef",
        CHAT_RATE_LIMIT_PER_MINUTE: String(SCALE_OUT_RATE_LIMIT),
      },
    }))
  : [];

export default defineConfig({
  testDir: "e2e",
  fullyParallel: true,
  forbidOnly: !!process.env.CI,
  retries: 0,
  workers: 2,
  reporter: [["list"], ["json", { outputFile: "reports/e2e.json" }]],
  use: {
    baseURL: BASE_URL,
    trace: "retain-on-failure",
  },
  projects: [
    {
      name: "chromium",
      use: {
        browserName: "chromium",
        viewport: { width: 1280, height: 800 },
        launchOptions: {
          executablePath: findChromium(),
          args: [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
          ],
        },
      },
    },
  ],
  // Three servers, started in this order (each once the previous one is healthy):
  //  1. Parley in local mode on 3217, the app most specs drive (baseURL);
  //  2. the fault proxy on 3219, which forwards to 3217's Vectara-compatible /v2 API and
  //     fails upstream calls on request (e2e/support/fault-proxy.ts, armFault in remote.ts);
  //  3. Parley in remote mode on 3218, whose "Vectara" is the proxy (REMOTE_BASE_URL).
  webServer: [
    {
      command: "node scripts/start.mjs",
      url: `${BASE_URL}/api/health`,
      timeout: 180_000,
      reuseExistingServer: !process.env.CI,
      stdout: "pipe",
      gracefulShutdown: { signal: "SIGTERM", timeout: 5_000 },
      env: {
        PORT: String(PORT),
        HOSTNAME: "127.0.0.1",
        DATA_DIR: dataDir,
        // The suite exercises local mode whatever credentials the developer's shell holds;
        // the config treats empty values as unset.
        ...NO_VECTARA_CREDENTIALS,
        ...SHARED_SERVER_ENV,
        // A known personal key, so tests can call the local /v2 API over HTTP.
        LOCAL_API_KEY: E2E_API_KEY,
        // Seeds agent@, moderator@ and admin@demo.local for the staff specs.
        DEMO_PASSWORD,
        // The OAuth app client the remote instance signs in with; short-lived tokens.
        LOCAL_APP_CLIENT_ID: E2E_APP_CLIENT.id,
        LOCAL_APP_CLIENT_SECRET: E2E_APP_CLIENT.secret,
        LOCAL_OAUTH_TOKEN_TTL_SECONDS: String(E2E_APP_CLIENT.ttlSeconds),
      },
    },
    {
      command: "npx tsx e2e/support/fault-proxy.ts",
      url: `${FAULT_PROXY_URL}/__health`,
      timeout: 30_000,
      reuseExistingServer: !process.env.CI,
      stdout: "pipe",
      gracefulShutdown: { signal: "SIGTERM", timeout: 5_000 },
      env: {
        FAULT_PROXY_PORT: String(FAULT_PROXY_PORT),
        FAULT_PROXY_HOST: "127.0.0.1",
        FAULT_PROXY_TARGET: BASE_URL,
      },
    },
    {
      // Shares the build with server 1, and only starts once server 1 is healthy, so the two
      // never race to build `.next`.
      command: `node e2e/support/start-after.mjs ${BASE_URL}/api/health -- node scripts/start.mjs`,
      url: `${REMOTE_BASE_URL}/api/health`,
      timeout: 180_000,
      reuseExistingServer: !process.env.CI,
      stdout: "pipe",
      gracefulShutdown: { signal: "SIGTERM", timeout: 5_000 },
      env: {
        PORT: String(REMOTE_PORT),
        HOSTNAME: "127.0.0.1",
        DATA_DIR: remoteDataDir,
        ...NO_VECTARA_CREDENTIALS,
        ...SHARED_SERVER_ENV,
        ...SAME_BUILD,
        // Remote mode by OAuth 2.0 client credentials, against the fault proxy in front of
        // server 1: tokens come from its /oauth2/token and live a few seconds, so the
        // client obtains and refreshes them for real during the run.
        VECTARA_CLIENT_ID: E2E_APP_CLIENT.id,
        VECTARA_CLIENT_SECRET: E2E_APP_CLIENT.secret,
        VECTARA_AUTH_URL: `${FAULT_PROXY_URL}/oauth2/token`,
        VECTARA_BASE_URL: FAULT_PROXY_URL,
        VECTARA_CORPUS_KEY: "support_kb",
        LOCAL_API_KEY: "",
        // Low enough for e2e/upstream-faults.spec.ts to reach it with a few questions.
        CHAT_RATE_LIMIT_PER_MINUTE: String(REMOTE_CHAT_RATE_LIMIT),
        // Short, so e2e/upstream-faults.spec.ts can hold a first byte past it (slow-first-byte).
        VECTARA_TIMEOUT_MS: String(REMOTE_VECTARA_TIMEOUT_MS),
      },
    },
    ...scaleOutServers,
  ],
});
