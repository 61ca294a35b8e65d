import { expect, test } from "./fixtures";
import { AdminPage } from "./pages/admin-page";
import { AgentConsolePage, TranscriptPage } from "./pages/agent-pages";
import { AuditPage } from "./pages/audit-page";
import { waitForDemoKb } from "./support/local-api";
import { signedInContext } from "./support/staff";

/**
 * Every tab says where it is, once: visitor pages end in " · Parley", the staff console's
 * in " · Parley Staff" (its own template, not both), and a conversation is named by its
 * question on both sides.
 */
// An answer, a sign-in and six staff pages: over the 30 s default on a loaded 2-core
// machine. A safety limit, not a check.
test.describe.configure({ timeout: 90_000 });

test.beforeAll(async ({ baseURL }) => {
  await waitForDemoKb(baseURL as string);
});

test("visitor and staff pages have their own titles, each suffix once", async ({
  chatPage,
  page,
  browser,
  baseURL,
}) => {
  const question = "How do I export my monitor data?";
  await chatPage.goto("/");
  const chatId = await chatPage.converse([question]);
  await page.reload();
  await expect(page).toHaveTitle(`${question} · Parley`);

  const context = await signedInContext(browser, baseURL as string, "admin");
  try {
    const staff = await context.newPage();
    await new AgentConsolePage(staff).goto();
    await expect(staff).toHaveTitle("Conversations · Parley Staff");
    await new TranscriptPage(staff).goto(chatId);
    await expect(staff.getByTestId("agent-transcript")).toBeVisible();
    await expect(staff).toHaveTitle(`${question} · Parley Staff`);
    await new AuditPage(staff).goto();
    await expect(staff).toHaveTitle("Audit log · Parley Staff");
    await new AdminPage(staff).goto();
    await expect(staff).toHaveTitle("Admin · Parley Staff");
    await staff.goto("/admin/users");
    await expect(staff).toHaveTitle("Users · Admin · Parley Staff");
  } finally {
    await context.close();
  }

  await page.goto("/login");
  await expect(page).toHaveTitle("Sign in · Parley Staff");
});
