/**
 * Retakes the README's screenshots (docs/images/*.png) from a running Parley in local
 * mode with the demo staff accounts:
 *
 *   DEMO_PASSWORD=… DATA_DIR=$(mktemp -d) PORT=3300 npm start        # in one terminal
 *   DEMO_PASSWORD=… npx tsx scripts/readme-screenshots.ts            # in another
 *
 * SCREENSHOT_BASE_URL (default http://127.0.0.1:3300) names the server; CHROMIUM_PATH the
 * browser (else `chromium` on PATH). Use a fresh DATA_DIR: the pictures show the
 * conversations this script asks, and nothing else.
 */
import { chromium, type Locator, type Page } from "@playwright/test";

const base = process.env.SCREENSHOT_BASE_URL?.trim() || "http://127.0.0.1:3300";
const password = process.env.DEMO_PASSWORD?.trim();
if (!password) throw new Error("Set DEMO_PASSWORD to the server's demo staff password.");
const out = (name: string) => new URL(`../docs/images/${name}`, import.meta.url).pathname;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH || "chromium",
  args: ["--no-sandbox"],
});

async function ask(page: Page, question: string, n: number) {
  await page.getByTestId("chat-input").fill(question);
  await page.getByTestId("send-button").click();
  await page
    .getByTestId("message-assistant")
    .nth(n)
    .and(page.locator('[data-status="complete"]'))
    .waitFor({ timeout: 30_000 });
}

/** Scrolls the element's scroll container (or the page) so the element is at the top. */
async function showFromTop(target: Locator) {
  await target.evaluate((el) => el.scrollIntoView({ block: "start" }));
}

try {
  // The visitor: a free-form, misspelt question, then a follow-up that leaves things out.
  const visitor = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const chat = await visitor.newPage();
  await chat.goto(`${base}/`);
  await ask(chat, "i cant remember my pasword, how do I get back into my account?", 0);
  await showFromTop(chat.getByTestId("message-user").first());
  await chat.screenshot({ path: out("chat.png") });

  // The article reader, from the first source card.
  const [reader] = await Promise.all([
    visitor.waitForEvent("page"),
    chat.getByTestId("citation-card").first().getByRole("link").first().click(),
  ]);
  await reader.waitForLoadState("networkidle");
  await reader.setViewportSize({ width: 1280, height: 800 });
  await reader.getByTestId("article-highlight").first().waitFor();
  // From the title down: the cited passage is marked just below it.
  await showFromTop(reader.locator("h1").first());
  await reader.screenshot({ path: out("article.png") });

  // A phone in dark mode: the same conversation, continued.
  const phone = await browser.newContext({
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 2,
    colorScheme: "dark",
    storageState: await visitor.storageState(),
  });
  const mobile = await phone.newPage();
  await mobile.goto(chat.url());
  await ask(mobile, "and if the reset email never arrives?", 1);
  await showFromTop(mobile.getByTestId("message-user").nth(1));
  await mobile.screenshot({ path: out("chat-phone-dark.png") });

  // Staff: the agent console, searched in plain words.
  const staff = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const console_ = await staff.newPage();
  await console_.goto(`${base}/login`);
  await console_.getByTestId("login-email").fill("moderator@demo.local");
  await console_.getByTestId("login-password").fill(password);
  await console_.getByTestId("login-submit").click();
  await console_.waitForURL(/\/agent/);
  await console_.getByTestId("tab-all").click();
  await console_.getByTestId("chats-filter").fill("password reset");
  await console_.getByTestId("apply-filter").click();
  await console_.waitForURL((url) => url.searchParams.get("q") === "password reset");
  await console_.getByTestId("match-snippet").first().waitFor();
  await console_.screenshot({ path: out("agent.png") });
} finally {
  await browser.close();
}
console.log("docs/images: chat.png, article.png, chat-phone-dark.png, agent.png");
