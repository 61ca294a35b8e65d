import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import { expect, test } from "./fixtures";
import { ChatPage } from "./pages/chat-page";
import { InsightsPage } from "./pages/insights-page";
import { waitForDemoKb } from "./support/local-api";
import { signedInContext } from "./support/staff";

// Two paced answers and a second browser context: a safety limit, not a check.
test.describe.configure({ timeout: 90_000 });

test.beforeAll(async ({ baseURL }) => {
  await waitForDemoKb(baseURL as string);
});

test("an agent sees the charts and the knowledge gaps, switches the period and downloads the CSV", async ({
  page,
  browser,
  baseURL,
}) => {
  // A word no article holds, so the knowledge base cannot answer and the group is this test's.
  const word = `zq${randomBytes(5).toString("hex").replace(/\d/g, "x")}`;
  const unanswerable = `Can I pay with ${word} coins?`;
  const chat = new ChatPage(page);
  await chat.goto("/");
  await chat.ask("How do I reset my password?");
  await chat.waitForAnswer(0);
  await expect(chat.markers(chat.answer(0)).first()).toBeVisible();
  await chat.ask(unanswerable);
  const notFound = await chat.waitForAnswer(1);
  await expect(notFound).toContainText("couldn't find");
  const chatId = await chat.chatIdFromUrl();

  const context = await signedInContext(browser, baseURL as string, "agent");
  try {
    const staff = await context.newPage();
    await staff.goto("/agent");
    await staff
      .getByRole("navigation", { name: "Staff" })
      .getByRole("link", { name: "Insights" })
      .click();
    await expect(staff).toHaveURL(/\/agent\/insights$/);
    const insights = new InsightsPage(staff);
    await expect(insights.heading).toBeVisible();
    await expect(staff).toHaveTitle("Insights · Parley Staff");
    await expect(insights.period(30)).toHaveAttribute("aria-current", "page");
    await expect(insights.range).toContainText("UTC");
    await expect(insights.charts).toHaveCount(6);
    for (const name of [
      "questions",
      "answered",
      "feedback",
      "low-score",
      "moderated",
      "first-token",
    ] as const) {
      await expect(insights.chart(name).locator("svg")).toBeVisible();
      // Each chart's values are in a table for screen readers.
      await expect(insights.chart(name).locator("table tbody tr")).toHaveCount(30);
    }
    await expect(insights.chart("questions")).toContainText(/\d+ questions in the last 30 days/);

    const group = insights.gapGroup(word);
    await expect(group).toHaveCount(1);
    await expect(insights.count(group)).toHaveText("1 question in 1 chat");
    await expect(group).toContainText("Couldn't find it: 1");
    await expect(group.getByTestId("gap-examples")).toHaveText(`“${unanswerable}”`);
    await expect(insights.conversationsLink(group)).toHaveAttribute(
      "href",
      `/agent?view=all&ids=${chatId}`,
    );
    // The answered question is not a gap.
    await expect(insights.gapGroup("How do I reset my password?")).toHaveCount(0);

    await insights.period(7).click();
    await expect(staff).toHaveURL(/\/agent\/insights\?days=7$/);
    await expect(insights.period(7)).toHaveAttribute("aria-current", "page");
    await expect(insights.chart("questions").locator("table tbody tr")).toHaveCount(7);
    await expect(insights.gapGroup(word)).toHaveCount(1);

    const [download] = await Promise.all([
      staff.waitForEvent("download"),
      insights.csvLink.click(),
    ]);
    expect(download.suggestedFilename()).toMatch(
      /^parley-knowledge-gaps-7d-\d{4}-\d{2}-\d{2}\.csv$/,
    );
    const csv = await readFile(await download.path(), "utf8");
    const lines = csv.split("\r\n");
    expect(lines[0]).toBe(
      "group,questions,chats,couldn't find it,low score,thumbs down,example questions,retrieved articles,chat ids",
    );
    const row = lines.find((line) => line.includes(word));
    expect(row).toMatch(new RegExp(`^Can I pay with ${word} coins\\?,1,1,1,0,0,`));
    expect(row?.endsWith(`,${chatId}`)).toBe(true);

    // The conversations link opens the console filtered to the group's chats.
    await insights.conversationsLink(insights.gapGroup(word)).click();
    await expect(staff).toHaveURL(new RegExp(`/agent\\?view=all&ids=${chatId}$`));

    // The API refuses a period it does not offer, in Vectara's error shape.
    const bad = await staff.request.get("/api/agent/insights/gaps?days=14");
    expect(bad.status()).toBe(400);
    expect(await bad.json()).toMatchObject({ messages: [expect.any(String)] });
  } finally {
    await context.close();
  }
});

test("signed out, /agent/insights sends to sign-in; a visitor's cookie gets no CSV", async ({
  page,
}) => {
  await page.goto("/agent/insights");
  await expect(page).toHaveURL(/\/login\?/);
  expect(new URL(page.url()).searchParams.get("next")).toBe("/agent/insights");

  await page.goto("/"); // the visitor cookie
  const response = await page.request.get("/api/agent/insights/gaps?days=30");
  expect([401, 403]).toContain(response.status());
  expect(response.headers()["content-type"]).toMatch(/^application\/json/);
  const body = await response.json();
  expect(body).toMatchObject({ messages: [expect.any(String)], code: expect.any(String) });
  expect(JSON.stringify(body)).not.toContain("group,questions");
});
