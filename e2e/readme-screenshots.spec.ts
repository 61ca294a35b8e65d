import { copyFileSync } from "node:fs";
import { expect, type Locator, type Page, test } from "@playwright/test";
import { AgentConsolePage, TranscriptPage } from "./pages/agent-pages";
import { ChatPage } from "./pages/chat-page";
import { SourcesPanel } from "./pages/sources-panel";
import { type OwnServer, startOwnServer } from "./support/own-server";
import { STAFF } from "./support/staff";

/**
 * The README's pictures, taken in every e2e run from a Parley of this spec's own (a fresh
 * database: the pictures show this spec's conversation and nothing else) and attached to
 * the report. `npm run screenshots` runs this spec alone and also copies them into
 * docs/images/, where the README shows them. Each picture is taken only once the page
 * shows what the README says it shows, so a change that breaks a view fails here.
 *
 * The three audiences: the visitor (chat, phone, article), the agent (the console,
 * searched), the moderator (disabling a turn, with its reason).
 */

test.describe.configure({ mode: "serial", timeout: 120_000 });

const PORT = 3236;
const PASSWORD = "readme-screenshots-2026";
const QUESTIONS = [
  "i cant remember my pasword, how do I get back into my account?",
  "and if the reset email never arrives?",
  "ok. can i also turn on two-factor?",
] as const;
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };

let server: OwnServer;
test.beforeAll(async () => {
  test.setTimeout(180_000);
  server = await startOwnServer({ port: PORT, env: { DEMO_PASSWORD: PASSWORD } });
});
test.afterAll(async () => {
  await server?.stop();
});

/** Saves a picture into the test's output (attached to the report), and into docs/images with `npm run screenshots`. */
async function picture(target: Page, name: string) {
  const path = test.info().outputPath(name);
  await target.screenshot({ path });
  await test.info().attach(name, { path, contentType: "image/png" });
  if (process.env.README_SCREENSHOTS === "1") {
    copyFileSync(path, new URL(`../docs/images/${name}`, import.meta.url).pathname);
  }
}

/** Scrolls the element's scroll container (or the page) so the element is at the top. */
async function showFromTop(target: Locator) {
  await target.evaluate((el) => el.scrollIntoView({ block: "start" }));
}

test("the README's pictures of the visitor, the agent and the moderator", async ({ browser }) => {
  const base = server.baseUrl;

  // The visitor: a free-form, misspelt question.
  const visitor = await browser.newContext({ viewport: DESKTOP, colorScheme: "light" });
  const chatPage = new ChatPage(await visitor.newPage(), base);
  await chatPage.goto("/");
  await chatPage.ask(QUESTIONS[0]);
  const first = await chatPage.waitForAnswer(0);
  const sources = new SourcesPanel(first);
  await expect(sources.cards.first()).toBeVisible();
  await expect(first.getByTestId("fcs-badge")).toBeVisible();
  await showFromTop(chatPage.userMessages.first());
  await picture(chatPage.page, "chat.png");

  // The article reader, from the first source card, with the cited passage marked.
  const [reader] = await Promise.all([
    visitor.waitForEvent("page"),
    sources.cards.first().getByRole("link").first().click(),
  ]);
  await reader.setViewportSize(DESKTOP);
  await expect(reader.getByTestId("article-highlight").first()).toBeVisible();
  await showFromTop(reader.locator("h1").first());
  await picture(reader, "article.png");

  // A phone in dark mode: the same conversation, a follow-up that leaves things out.
  const phone = await browser.newContext({
    viewport: PHONE,
    deviceScaleFactor: 2,
    colorScheme: "dark",
    storageState: await visitor.storageState(),
  });
  const mobile = new ChatPage(await phone.newPage(), base);
  await mobile.page.goto(chatPage.page.url());
  await expect(mobile.assistantMessages).toHaveCount(1);
  // Typed before the page is hydrated, the question would be reset under the test.
  await mobile.page.waitForLoadState("networkidle");
  await mobile.ask(QUESTIONS[1]);
  await expect(mobile.assistantMessages).toHaveCount(2);
  const followUp = await mobile.waitForAnswer(1);
  await expect(new SourcesPanel(followUp).cards.first()).toBeVisible();
  await showFromTop(mobile.userMessages.nth(1));
  await picture(mobile.page, "chat-phone-dark.png");
  await mobile.ask(QUESTIONS[2]);
  await mobile.waitForAnswer(2);
  const chatId = await mobile.chatIdFromUrl();
  await phone.close();
  await visitor.close();

  // The agent: every conversation, searched in plain words.
  const staff = await browser.newContext({ viewport: DESKTOP, colorScheme: "light" });
  const staffPage = await staff.newPage();
  await staffPage.goto(`${base}/login`);
  await staffPage.getByTestId("login-email").fill(STAFF.moderator);
  await staffPage.getByTestId("login-password").fill(PASSWORD);
  await staffPage.getByTestId("login-submit").click();
  await staffPage.waitForURL(/\/agent/);
  const console_ = new AgentConsolePage(staffPage);
  await console_.showAll();
  await console_.filterBy("password reset");
  await expect(console_.rows).toHaveCount(1);
  await expect(staffPage.getByTestId("match-snippet").first()).toBeVisible();
  await picture(staffPage, "agent.png");

  // The moderator: disabling the follow-up, which takes the turn after it too.
  const transcript = new TranscriptPage(staffPage);
  await staffPage.goto(`${base}/agent/chats/${chatId}`);
  await expect(transcript.turns).toHaveCount(3);
  await transcript.turn(1).getByTestId("disable-turn-button").click();
  const dialog = staffPage.getByRole("dialog");
  await expect(dialog).toContainText(QUESTIONS[1]);
  await expect(dialog).toContainText(QUESTIONS[2]);
  await transcript.disableReason.fill("Duplicate of turn 1; the answer repeats it.");
  await expect(transcript.confirmDisable).toBeEnabled();
  await picture(staffPage, "moderation.png");
  await staff.close();
});
