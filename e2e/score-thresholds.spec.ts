import { expect, test } from "@playwright/test";
import { AgentConsolePage } from "./pages/agent-pages";
import { ChatPage } from "./pages/chat-page";
import { type OwnServer, startOwnServer } from "./support/own-server";
import { STAFF } from "./support/staff";

/**
 * Issue 19, item 4: FCS_LOW_THRESHOLD and FCS_HIGH_THRESHOLD drive the badge, the
 * visitor's caution and the triage flag from one place. The same question gets the same
 * score on the shared server (default thresholds, 0.4 and 0.7) and on this spec's own,
 * whose thresholds are stricter than that score: there it is low, cautioned and flagged.
 */

test.describe.configure({ mode: "serial", timeout: 90_000 });

const PORT = 3240;
const PASSWORD = "score-thresholds-2026";
// A free-form, misspelt question: well supported, but not word for word (75% today).
const QUESTION = "i cant remember my pasword, how do I get back into my account?";

let strict: OwnServer;
test.beforeAll(async () => {
  test.setTimeout(180_000);
  strict = await startOwnServer({
    port: PORT,
    env: { DEMO_PASSWORD: PASSWORD, FCS_LOW_THRESHOLD: "0.9", FCS_HIGH_THRESHOLD: "0.95" },
  });
});
test.afterAll(async () => {
  await strict?.stop();
});

test("stricter thresholds turn the same score low: badge, caution and triage flag", async ({
  page,
  browser,
}) => {
  // The default thresholds: the demo's password answer is well supported.
  const usual = new ChatPage(page);
  await usual.goto("/");
  await usual.ask(QUESTION);
  const usualAnswer = await usual.waitForAnswer(0);
  const usualBadge = usualAnswer.getByTestId("fcs-badge");
  await expect(usualBadge).toHaveAttribute("data-level", "high");
  await expect(usualAnswer.getByTestId("fcs-caution")).toHaveCount(0);
  const score = (await usualBadge.locator("button").textContent()) ?? "";
  const percent = Number(score.match(/(\d+)%/)?.[1]);
  // The premise: high under the defaults, below the strict server's low threshold.
  expect(percent).toBeGreaterThanOrEqual(70);
  expect(percent).toBeLessThan(90);

  // The strict server: the same score, now low, with the caution under it.
  const visitor = await browser.newContext();
  const strictChat = new ChatPage(await visitor.newPage(), strict.baseUrl);
  await strictChat.goto("/");
  await strictChat.ask(QUESTION);
  const strictAnswer = await strictChat.waitForAnswer(0);
  const strictBadge = strictAnswer.getByTestId("fcs-badge");
  await expect(strictBadge).toHaveAttribute("data-level", "low");
  await expect(strictBadge).toContainText(`${percent}%`);
  await expect(strictBadge).toContainText("Low source support");
  await expect(strictAnswer.getByTestId("fcs-caution")).toBeVisible();
  const chatId = await strictChat.chatIdFromUrl();
  await visitor.close();

  // Staff on the strict server see it flagged as a low score in the triage queue.
  const staff = await browser.newContext({ baseURL: strict.baseUrl });
  const staffPage = await staff.newPage();
  await staffPage.goto("/login");
  await staffPage.getByTestId("login-email").fill(STAFF.agent);
  await staffPage.getByTestId("login-password").fill(PASSWORD);
  await staffPage.getByTestId("login-submit").click();
  await staffPage.waitForURL(/\/agent/);
  const console_ = new AgentConsolePage(staffPage);
  const row = console_.triageQueue.locator(`[data-testid=chat-row][data-chat-id="${chatId}"]`);
  await expect(row.locator('[data-flag="low_score"]')).toBeVisible();
  await expect(row.locator("[data-level]")).toHaveAttribute("data-level", "low");
  await staff.close();
});
