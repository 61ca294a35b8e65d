import { expect, test } from "./fixtures";
import { AgentConsolePage, TranscriptPage } from "./pages/agent-pages";
import { HandoffPanel, StaffHandoffPanel } from "./pages/handoff";
import { uniqueKey, waitForDemoKb } from "./support/local-api";
import { STAFF, signedInContext } from "./support/staff";

// A paced answer, two browser contexts, reloads: a safety limit, not a check.
test.describe.configure({ timeout: 90_000 });

test.beforeAll(async ({ baseURL }) => {
  await waitForDemoKb(baseURL as string);
});

/** The Beacon KB has nothing on Salesforce: the extractive engine says it couldn't find it. */
const UNANSWERABLE = "How do I connect Beacon to Salesforce?";

test("a visitor with no answer asks for a person; an agent sees it first, contacts them, and the visitor sees it", async ({
  chatPage,
  page,
  browser,
  baseURL,
}) => {
  const email = `${uniqueKey("visitor")}@example.com`;
  const handoff = new HandoffPanel(page);
  await chatPage.goto("/");
  await chatPage.ask(UNANSWERABLE);
  const answer = await chatPage.waitForAnswer(0);
  await expect(answer).toContainText("couldn't find an answer");
  const chatId = await chatPage.chatIdFromUrl();

  // The offer under the answer, and the action below the thread.
  await expect(answer.getByTestId("handoff-offer")).toHaveAttribute("data-reason", "none");
  await expect(handoff.barButton).toBeVisible();
  await answer.getByTestId("handoff-offer-open").click();
  await expect(handoff.dialog).toBeVisible();
  await expect(handoff.email).toBeFocused();

  // Escape closes it, focus back on the button that opened it.
  await page.keyboard.press("Escape");
  await expect(handoff.dialog).toHaveCount(0);
  await expect(answer.getByTestId("handoff-offer-open")).toBeFocused();

  // A bad email is refused in the form, with the field said to be wrong.
  await handoff.barButton.click();
  await handoff.email.fill("not an email");
  await handoff.message.fill("I need Salesforce sync for my team.");
  await handoff.submit.click();
  await expect(handoff.email).toHaveAttribute("aria-invalid", "true");
  await expect(handoff.dialog).toContainText("Enter an email address like name@example.com.");
  await expect(handoff.email).toBeFocused();

  const posted = page.waitForResponse(
    (r) => r.url().endsWith(`/api/chats/${chatId}/handoff`) && r.request().method() === "POST",
  );
  await handoff.request(email, "I need Salesforce sync for my team.");
  const response = await posted;
  expect(response.status()).toBe(201);
  expect(await response.text()).not.toContain(email);
  await expect(handoff.confirmation).toContainText(`will email you at ${email}`);
  await handoff.done.click();
  await expect(handoff.dialog).toHaveCount(0);
  await expect(handoff.status).toHaveAttribute("data-state", "open");
  // The button that opened it is gone (a request is active): focus is on the state.
  await expect(handoff.status).toBeFocused();
  await expect(handoff.status).toContainText("Requested");
  // A request is open: no more offers or button.
  await expect(handoff.offer).toHaveCount(0);
  await expect(handoff.barButton).toHaveCount(0);

  // After a reload: the state, and nowhere the email.
  await page.reload();
  await expect(handoff.status).toHaveAttribute("data-state", "open");
  expect(await page.content()).not.toContain(email);

  const context = await signedInContext(browser, baseURL as string, "agent");
  try {
    const staff = await context.newPage();
    const consolePage = new AgentConsolePage(staff);
    await consolePage.goto();
    const rows = consolePage.triageQueue.getByTestId("chat-row");
    const row = consolePage.triageQueue.locator(
      `[data-testid="chat-row"][data-chat-id="${chatId}"]`,
    );
    await expect(row.locator('[data-flag="handoff"]')).toHaveText("Handoff");
    await expect(row.getByTestId("row-handoff")).toContainText(email);
    // Handoffs top the queue: the first row is one, and every row above this one is too.
    await expect(rows.first().locator('[data-flag="handoff"]')).toHaveCount(1);
    const ids = await rows.evaluateAll((els) =>
      els.map((el) => ({
        id: el.getAttribute("data-chat-id"),
        handoff: el.querySelector('[data-flag="handoff"]') !== null,
      })),
    );
    const at = ids.findIndex((r) => r.id === chatId);
    expect(at).toBeGreaterThanOrEqual(0);
    expect(ids.slice(0, at).every((r) => r.handoff)).toBe(true);

    await row.getByRole("link").first().click();
    const transcript = new TranscriptPage(staff);
    await expect(transcript.turns.first()).toBeVisible();
    const panel = new StaffHandoffPanel(staff);
    await expect(panel.email).toHaveText(email);
    await expect(panel.email).toHaveAttribute("href", `mailto:${email}`);
    await expect(panel.message).toHaveText("I need Salesforce sync for my team.");
    await expect(panel.state).toHaveValue("open");
    const saved = staff.waitForResponse(
      (r) =>
        r.url().endsWith(`/api/agent/chats/${chatId}/handoff`) && r.request().method() === "PUT",
    );
    await panel.state.selectOption("contacted");
    expect((await saved).status()).toBe(200);
    await expect(panel.updated).toContainText(`Set by ${STAFF.agent}`);

    // Reloaded, the transcript keeps it; the queue shows it as contacted.
    await staff.reload();
    await expect(new StaffHandoffPanel(staff).state).toHaveValue("contacted");
  } finally {
    await context.close();
  }

  await page.reload();
  await expect(handoff.status).toHaveAttribute("data-state", "contacted");
  await expect(handoff.status).toContainText("contacted you by email");
  expect(await page.content()).not.toContain(email);
});

test("deleting the conversation deletes the request and its email", async ({
  chatPage,
  page,
  browser,
  baseURL,
}) => {
  const email = `${uniqueKey("gone")}@example.com`;
  const handoff = new HandoffPanel(page);
  await chatPage.goto("/");
  await chatPage.ask(`Do you have an Android app? ${uniqueKey("q")}`);
  await chatPage.waitForAnswer(0);
  const chatId = await chatPage.chatIdFromUrl();
  await handoff.barButton.click();
  await handoff.request(email, "Please delete me later.");
  await handoff.done.click();
  await expect(handoff.status).toHaveAttribute("data-state", "open");

  const context = await signedInContext(browser, baseURL as string, "agent");
  try {
    const staff = await context.newPage();
    const consolePage = new AgentConsolePage(staff);
    await consolePage.goto();
    await expect(
      consolePage.triageQueue.getByTestId("row-handoff").filter({ hasText: email }),
    ).toHaveCount(1);

    await chatPage.historyItems.first().getByTestId("delete-chat").click();
    await page.getByTestId("confirm-delete").click();
    await expect(page).toHaveURL(/\/$/);

    await consolePage.goto();
    await expect(consolePage.triageQueue).toBeVisible();
    await expect(staff.getByText(email)).toHaveCount(0);
    // The staff API has no handoff for it any more (nor the chat).
    const put = await staff.request.put(`/api/agent/chats/${chatId}/handoff`, {
      data: { state: "closed" },
      headers: { origin: baseURL as string },
    });
    expect(put.status()).toBe(404);
    expect(await put.text()).not.toContain(email);
    const exported = await staff.request.get(`/api/agent/chats/${chatId}/export?format=json`);
    expect(await exported.text()).not.toContain(email);
  } finally {
    await context.close();
  }
  // And the visitor's route: the chat is gone.
  expect((await page.request.get(`/api/chats/${chatId}/handoff`)).status()).toBe(404);
});
