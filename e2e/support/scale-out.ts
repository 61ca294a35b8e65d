import { execFileSync } from "node:child_process";

/**
 * Two Parley instances in remote mode (A1, A2) against the local app's /v2 (B), sharing
 * one Postgres app database and one AUTH_SECRET, with no sticky sessions. They only run
 * when PARLEY_E2E_DATABASE_URL names a Postgres server (.ci/run sets it up); ports are
 * fixed here and in playwright.config.ts.
 */
export const A1_PORT = 3220;
export const A2_PORT = 3221;
export const A1_URL = `http://127.0.0.1:${A1_PORT}`;
export const A2_URL = `http://127.0.0.1:${A2_PORT}`;
export const SCALE_OUT_RATE_LIMIT = 3;

/** The database both instances share, created by playwright.config.ts for this run. */
export const scaleOutDatabaseUrl = (): string | undefined =>
  process.env.PARLEY_E2E_SCALE_DB_URL?.trim() || undefined;

/** Creates a staff account in the shared database with the real `npm run users` command. */
export function addStaffUser(email: string, role: string, password: string): void {
  const url = scaleOutDatabaseUrl();
  if (!url) throw new Error("scale-out is not configured");
  execFileSync(
    "npx",
    ["tsx", "--conditions", "react-server", "cli/users.ts", "add", email, "--role", role],
    {
      input: `${password}\n`,
      env: { ...process.env, DATABASE_URL: url },
      stdio: ["pipe", "pipe", "pipe"],
    },
  );
}
