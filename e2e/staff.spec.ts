import type { Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import { AgentConsolePage, TranscriptPage } from "./pages/agent-pages";
import { ChatPage } from "./pages/chat-page";
import { localClient, uniqueKey, waitForDemoKb } from "./support/local-api";
import { signedInContext } from "./support/staff";

// Several answers at the paced speed, two browser contexts and reloads: about 20 s on a
// quiet machine, over the 30 s default on a loaded 2-core one. A safety limit, not a check.
test.describe.configure({ timeout: 90_000 });

test.beforeAll(async ({ baseURL }) => {
  await waitForDemoKb(baseURL as string);
});

/** A visitor's conversation, asked through the real chat UI; returns its chat id. */
const visitorChat = (page: Page, questions: string[]) => new ChatPage(page).converse(questions);

test.describe("agent", () => {
  test("finds a visitor's chat by a word, reads it, adds a note, and cannot moderate", async ({
    page,
    browser,
    baseURL,
  }) => {
    const word = uniqueKey("walrus");
    const chatId = await visitorChat(page, [`How do I invite a colleague? (${word})`]);
    // The visitor reports the answer, which puts the chat on the triage queue.
    const answer = page.getByTestId("message-assistant").first();
    await answer.getByTestId("feedback-down").click();
    await answer.getByTestId("feedback-report").check();
    await answer.getByRole("button", { name: "Send" }).click();
    await expect(answer.getByText("Thanks for the feedback")).toBeVisible();

    const context = await signedInContext(browser, baseURL as string, "agent");
    try {
      const staff = await context.newPage();
      const consolePage = new AgentConsolePage(staff);
      await consolePage.goto();
      // First after the requests for a person, which top the queue (other specs leave some).
      const rows = consolePage.triageQueue.getByTestId("chat-row");
      await expect(
        rows.filter({ hasNot: staff.locator('[data-flag="handoff"]') }).first(),
      ).toHaveAttribute("data-chat-id", chatId);
      await expect(consolePage.row(chatId).locator('[data-flag="reported"]')).toBeVisible();

      await consolePage.showAll();
      await consolePage.filterBy(word);
      await expect(consolePage.rows).toHaveCount(1);
      await expect(consolePage.row(chatId)).toContainText(word);
      await consolePage.row(chatId).getByRole("link").click();

      const transcript = new TranscriptPage(staff);
      await expect(staff).toHaveURL(new RegExp(`/agent/chats/${chatId}$`));
      await expect(transcript.turns).toHaveCount(1);
      await expect(transcript.turn(0)).toContainText(word);
      await transcript
        .turn(0)
        .getByRole("button", { name: /inspect/i })
        .click();
      const inspector = transcript.inspector(0);
      await expect(inspector).toBeVisible();
      await expect(inspector.getByTestId("citation-card").first()).toBeVisible();
      // The engine's query history for the turn: its latency and what the search found.
      const history = inspector.getByTestId("inspector-query-history");
      await expect(history.getByTestId("history-latency")).toHaveText(/\d+ ms/);
      await expect(history.getByTestId("history-search")).toContainText(/\d+ results? in \d+ ms/);

      const note = `Checked the invite article (${word})`;
      await transcript.noteInput.fill(note);
      await staff.getByTestId("add-note").click();
      await expect(staff.getByText(note)).toBeVisible();
      await staff.reload();
      await expect(staff.getByText(note)).toBeVisible();

      // Agents see no moderation controls, and the route refuses them.
      await expect(transcript.disableButtons).toHaveCount(0);
      const turnId = await transcript.turn(0).getAttribute("data-turn-id");
      const forged = await staff.request.post(
        `/api/agent/chats/${chatId}/turns/${turnId}/disable`,
        { data: { reason: "I am only an agent" } },
      );
      expect(forged.status()).toBe(403);
      const turns = (await localClient(baseURL as string).turns.list(chatId)).items;
      expect(turns.map((t) => t.enabled)).toEqual([true]);

      const exported = await staff.request.get(`/api/agent/chats/${chatId}/export?format=json`);
      expect(exported.status()).toBe(200);
      expect(await exported.json()).toMatchObject({ notes: [{ body: note }] });
    } finally {
      await context.close();
    }
  });
});

test.describe("moderator", () => {
  test("disables turn 2 of 3 with a reason: audited, shown to the visitor, out of later context", async ({
    page,
    browser,
    baseURL,
  }) => {
    const questions = [
      "How do I invite a colleague to our workspace?",
      "I was charged twice this month",
      "How do I send Beacon alerts to Slack?",
    ];
    const chatId = await visitorChat(page, questions);
    const reason = `Off-topic billing detail (${uniqueKey("audit")})`;

    const context = await signedInContext(browser, baseURL as string, "moderator");
    try {
      const staff = await context.newPage();
      const transcript = new TranscriptPage(staff);
      await transcript.goto(chatId);
      await expect(transcript.turns).toHaveCount(3);
      await transcript.turn(1).getByTestId("disable-turn-button").click();
      const dialog = staff.getByRole("dialog");
      // The confirmation names the later turn that goes too.
      await expect(dialog).toContainText(questions[1] as string);
      await expect(dialog).toContainText(questions[2] as string);
      await expect(transcript.confirmDisable).toBeDisabled();
      await transcript.disableReason.fill(reason);
      await transcript.confirmDisable.click();
      await expect(transcript.disabledBadges).toHaveCount(2);
      await expect(transcript.turn(0).getByTestId("turn-disabled")).toHaveCount(0);

      const turns = (await localClient(baseURL as string).turns.list(chatId)).items;
      expect(turns.map((t) => t.enabled)).toEqual([true, false, false]);

      await staff.goto(`/agent/audit?chat_id=${chatId}`);
      const row = staff.getByTestId("audit-row");
      await expect(row).toHaveCount(1);
      await expect(row).toContainText(reason);
      await expect(row).toContainText("moderator@demo.local");
    } finally {
      await context.close();
    }

    // The visitor sees placeholders, and the next turn draws nothing from turns 2 and 3.
    const chat = new ChatPage(page);
    await page.reload();
    await expect(chat.removedTurns).toHaveCount(2);
    const streamed = page.waitForResponse((r) => r.url().endsWith("/api/chat"));
    await chat.ask("How much does that cost?");
    const body = await (await streamed).text();
    const next = await chat.waitForAnswer(3);
    const rephrased = /"type":"data-turn-info","data":\{"rephrasedQuery":"([^"]*)"/.exec(body)?.[1];
    expect(rephrased).toBeDefined();
    expect(rephrased).not.toMatch(/charged|twice|slack|alerts/i);
    const sources = await chat
      .citationCards(next)
      .evaluateAll((cards) => cards.map((c) => c.getAttribute("data-document-id")));
    expect(sources).not.toContain("billing/duplicate-charges.md");
    expect(sources).not.toContain("integrations/slack-integration.md");
  });
});

test.describe("access", () => {
  const staffPages = [
    "/agent",
    "/agent/audit",
    "/agent/chats/cht_00000000",
    "/admin",
    "/admin/users",
  ];

  test("signed out, every staff page redirects to sign-in", async ({ page }) => {
    for (const path of staffPages) {
      await page.goto(path);
      await expect(page, path).toHaveURL(/\/login(\?|$)/);
    }
    await page.goto("/agent");
    expect(new URL(page.url()).searchParams.get("next")).toBe("/agent");
  });

  test("a visitor's cookie gets 401 or 403 from every staff route", async ({ page }) => {
    await page.goto("/"); // the visitor cookie
    const chatId = "cht_00000000";
    const turnId = "trn_00000000";
    const calls: Array<[string, string, unknown?]> = [
      ["GET", "/api/agent/chats"],
      ["GET", "/api/agent/triage"],
      ["GET", "/api/agent/audit"],
      ["GET", `/api/agent/chats/${chatId}/export`],
      ["PUT", `/api/agent/chats/${chatId}/review`, { status: "reviewed", assigneeId: null }],
      ["POST", `/api/agent/chats/${chatId}/notes`, { body: "hello" }],
      ["POST", `/api/agent/chats/${chatId}/turns/${turnId}/disable`, { reason: "because" }],
      ["GET", "/api/admin/documents"],
      ["POST", "/api/admin/upload"],
    ];
    for (const [method, url, data] of calls) {
      const response = await page.request.fetch(url, { method, data });
      expect([401, 403], `${method} ${url}`).toContain(response.status());
    }
  });
});
