import { randomBytes } from "node:crypto";
import { expect, test } from "./fixtures";
import { TranscriptPage } from "./pages/agent-pages";
import { ChatPage } from "./pages/chat-page";
import { localClient, uniqueKey, waitForDemoKb } from "./support/local-api";
import {
  A1_URL,
  A2_URL,
  addStaffUser,
  SCALE_OUT_RATE_LIMIT,
  scaleOutDatabaseUrl,
} from "./support/scale-out";

/**
 * Two instances, one state: A1 and A2 share a Postgres app database and nothing else,
 * and a browser may reach either one for any request.
 */
test.skip(
  !scaleOutDatabaseUrl(),
  "Two-instance tests need PostgreSQL: set PARLEY_E2E_DATABASE_URL (.ci/run does).",
);

test.beforeAll(async ({ baseURL }) => {
  await waitForDemoKb(baseURL as string);
});

const password = `pw-${randomBytes(8).toString("hex")}`;

async function signIn(page: import("@playwright/test").Page, base: string, email: string) {
  await page.goto(`${base}/login`);
  await page.getByTestId("login-email").fill(email);
  await page.getByTestId("login-password").fill(password);
  await page.getByTestId("login-submit").click();
  await page.waitForURL(/\/agent/);
}

test("a chat started on A1 continues on A2, and both list it", async ({ page, baseURL }) => {
  const onA1 = new ChatPage(page, A1_URL);
  await onA1.goto("/");
  await onA1.ask("I was charged twice this month");
  await onA1.waitForAnswer(0);
  const chatId = await onA1.chatIdFromUrl();

  // The same browser, the other instance: the cookie and the chat's owner are shared.
  const onA2 = new ChatPage(page, A2_URL);
  await onA2.goto(`/chat/${chatId}`);
  await expect(onA2.userMessages).toHaveText(["I was charged twice this month"]);
  await onA2.ask("When will I get that money back?");
  const followUp = await onA2.waitForAnswer(1);
  await expect(onA2.citationCards(followUp).first()).toHaveAttribute(
    "data-document-id",
    "billing/duplicate-charges.md",
  );
  await expect(onA2.historyItems.filter({ hasText: "I was charged twice" })).toHaveCount(1);

  // Both turns are in one chat at the upstream.
  const turns = (await localClient(baseURL as string).turns.list(chatId)).items;
  expect(turns.map((t) => t.query)).toEqual([
    "I was charged twice this month",
    "When will I get that money back?",
  ]);
});

test("a staff session started on A1 works on A2", async ({ page }) => {
  const email = `${uniqueKey("agent")}@scale.test`;
  addStaffUser(email, "agent", password);
  await signIn(page, A1_URL, email);
  await page.goto(`${A2_URL}/agent`);
  await expect(page).toHaveURL(`${A2_URL}/agent`);
  await expect(page.getByTestId("staff-user")).toContainText(email);
});

test("the per-visitor rate limit is shared by both instances", async ({ page }) => {
  // The limit counts in fixed one-minute windows: start with most of a window ahead, so
  // every question below counts in the same one (a window that ends midway resets the
  // count, and the last question would be allowed).
  test.setTimeout(90_000);
  const leftInWindow = 60_000 - (Date.now() % 60_000);
  if (leftInWindow < 30_000) await page.waitForTimeout(leftInWindow + 250);
  await page.goto(`${A1_URL}/`); // the visitor cookie, valid on both
  const ask = (base: string, n: number) =>
    page.request.post(`${base}/api/chat`, {
      headers: { origin: base },
      data: {
        chatId: null,
        message: {
          id: `m${n}`,
          role: "user",
          parts: [{ type: "text", text: `I forgot my password (${n})` }],
        },
      },
    });
  const statuses: number[] = [];
  for (let n = 0; n < SCALE_OUT_RATE_LIMIT; n++) {
    const response = await ask(n % 2 === 0 ? A1_URL : A2_URL, n);
    await response.body(); // read the whole answer
    statuses.push(response.status());
  }
  expect(statuses).toEqual(Array(SCALE_OUT_RATE_LIMIT).fill(200));
  const refused = await ask(A2_URL, SCALE_OUT_RATE_LIMIT);
  expect(refused.status()).toBe(429);
  expect(await refused.json()).toMatchObject({ code: "rate_limit:chat" });
});

test("a turn disabled on A2 is removed for the visitor on A1 and audited on both", async ({
  page,
  browser,
}) => {
  const visitor = new ChatPage(page, A1_URL);
  await visitor.goto("/");
  for (const [n, q] of [
    "How do I invite a colleague to our workspace?",
    "How do I send Beacon alerts to Slack?",
  ].entries()) {
    await visitor.ask(q);
    await visitor.waitForAnswer(n);
  }
  const chatId = await visitor.chatIdFromUrl();

  const email = `${uniqueKey("mod")}@scale.test`;
  addStaffUser(email, "moderator", password);
  const staffContext = await browser.newContext();
  try {
    const staff = await staffContext.newPage();
    await signIn(staff, A2_URL, email);
    const transcript = new TranscriptPage(staff);
    await staff.goto(`${A2_URL}/agent/chats/${chatId}`);
    await transcript.turn(1).getByTestId("disable-turn-button").click();
    await transcript.disableReason.fill("Disabled on A2 to prove shared state");
    await transcript.confirmDisable.click();
    await expect(transcript.disabledBadges).toHaveCount(1);

    await staff.goto(`${A1_URL}/agent/audit?chat_id=${chatId}`);
    await expect(staff.getByTestId("audit-row")).toContainText(
      "Disabled on A2 to prove shared state",
    );
  } finally {
    await staffContext.close();
  }

  await page.reload();
  await expect(visitor.removedTurns).toHaveCount(1);
  await expect(visitor.userMessages).toHaveText(["How do I invite a colleague to our workspace?"]);
});
