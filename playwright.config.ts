import { accessSync, constants, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { defineConfig } from "@playwright/test";
import { E2E_API_KEY } from "./e2e/support/keys";

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
const dataDir = process.env.PARLEY_E2E_DATA_DIR;

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
  webServer: {
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
      VECTARA_API_KEY: "",
      VECTARA_CLIENT_ID: "",
      VECTARA_CLIENT_SECRET: "",
      // A known personal key, so tests can call the local /v2 API over HTTP.
      LOCAL_API_KEY: E2E_API_KEY,
    },
  },
});
