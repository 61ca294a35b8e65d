import type { Browser, BrowserContext } from "@playwright/test";

/** The e2e server seeds the demo staff accounts with this password (playwright.config.ts). */
export const DEMO_PASSWORD = "e2e-demo-password-2026";

export const STAFF = {
  agent: "agent@demo.local",
  moderator: "moderator@demo.local",
  admin: "admin@demo.local",
} as const;

export type StaffRole = keyof typeof STAFF;

/** A fresh browser context signed in as one of the demo staff, through the real /login form. */
export async function signedInContext(
  browser: Browser,
  baseURL: string,
  role: StaffRole,
): Promise<BrowserContext> {
  const context = await browser.newContext({ baseURL });
  const page = await context.newPage();
  await page.goto("/login");
  await page.getByTestId("login-email").fill(STAFF[role]);
  await page.getByTestId("login-password").fill(DEMO_PASSWORD);
  await page.getByTestId("login-submit").click();
  await page.waitForURL(/\/agent/);
  await page.close();
  return context;
}
