import type { Locator, Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import type { ChatPage } from "./pages/chat-page";
import { waitForDemoKb } from "./support/local-api";

// Issue 15, items 1 and 9: on a chat page only the conversation scrolls (the header and
// the composer stay put), and a pressed thumb is unmistakable in both themes.

test.beforeAll(async ({ baseURL }) => {
  await waitForDemoKb(baseURL as string);
});

const REFUND = "can I get a refund";
const QUESTIONS = ["how do I reset my password", REFUND, "how do I invite a colleague"];

/** Asks the three questions; each answer arrives with its source cards. */
async function askThree(chatPage: ChatPage) {
  await chatPage.goto("/");
  for (const [i, question] of QUESTIONS.entries()) {
    await chatPage.ask(question);
    const answer = await chatPage.waitForAnswer(i);
    await expect(chatPage.citationCards(answer).first()).toBeVisible();
  }
}

/** Only the thread scrolls: the document is the window's height, the thread is taller. */
async function expectOnlyTheThreadScrolls(chatPage: ChatPage, page: Page, wheelOver: Locator[]) {
  const heights = await chatPage.scrollHeights();
  test.info().annotations.push({ type: "scroll heights", description: JSON.stringify(heights) });
  expect(heights.document).toBe(heights.innerHeight);
  expect(heights.body).toBe(heights.innerHeight);
  expect(heights.thread).not.toBeNull();
  expect(heights.thread?.scroll ?? 0).toBeGreaterThan(heights.thread?.client ?? 0);

  for (const target of wheelOver) {
    const box = await target.boundingBox();
    if (!box) throw new Error("the wheel target is not rendered");
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.wheel(0, 1500);
    await page.mouse.wheel(0, -200);
    await page.mouse.wheel(0, 1500);
    await expect(chatPage.header).toBeInViewport({ ratio: 1 });
    expect(await page.evaluate(() => window.scrollY)).toBe(0);
  }
  await expect(page.getByTestId("chat-input")).toBeInViewport({ ratio: 1 });

  // The thread itself scrolls under the wheel.
  const thread = await chatPage.threadScroller.boundingBox();
  if (!thread) throw new Error("the thread is not rendered");
  await page.mouse.move(thread.x + thread.width / 2, thread.y + thread.height / 2);
  await chatPage.threadScroller.evaluate((el) => el.scrollTo({ top: 0 }));
  await page.mouse.wheel(0, 400);
  await expect
    .poll(() => chatPage.threadScroller.evaluate((el) => el.scrollTop))
    .toBeGreaterThan(0);
  await expect(chatPage.header).toBeInViewport({ ratio: 1 });
}

const background = (button: Locator) =>
  button.evaluate((el) => getComputedStyle(el).backgroundColor);

test.describe("the chat page's layout", () => {
  test("on a desktop only the thread scrolls; header and composer stay put", async ({
    chatPage,
    page,
    consoleErrors,
  }) => {
    await askThree(chatPage);
    await expectOnlyTheThreadScrolls(chatPage, page, [chatPage.sidebar, chatPage.header]);
    await page.screenshot({ path: "/tmp/parley-layout-desktop-light.png" });

    // The same after a reload of the conversation's own page.
    await chatPage.chatIdFromUrl();
    await page.reload();
    await chatPage.waitForAnswer(2);
    await expectOnlyTheThreadScrolls(chatPage, page, [chatPage.sidebar, chatPage.header]);
    expect(consoleErrors).toEqual([]);
  });

  test("on a phone only the thread scrolls too", async ({ chatPage, page, consoleErrors }) => {
    await page.setViewportSize({ width: 390, height: 844 });
    await askThree(chatPage);
    await expect(chatPage.sidebar).not.toBeInViewport();
    await expectOnlyTheThreadScrolls(chatPage, page, [chatPage.header]);
    await page.screenshot({ path: "/tmp/parley-layout-phone-light.png" });
    await page.emulateMedia({ colorScheme: "dark" });
    await page.screenshot({ path: "/tmp/parley-layout-phone-dark.png" });
    expect(consoleErrors).toEqual([]);
  });
});

test.describe("feedback buttons", () => {
  for (const colorScheme of ["light", "dark"] as const) {
    test(`a pressed thumb looks pressed (${colorScheme})`, async ({ chatPage, page }) => {
      await page.emulateMedia({ colorScheme });
      await chatPage.goto("/");
      await chatPage.ask(REFUND);
      const answer = await chatPage.waitForAnswer(0);
      const { up, down } = chatPage.feedbackButtons(answer);
      await expect(down).toHaveAttribute("aria-pressed", "false");
      await expect(up).toHaveAttribute("aria-pressed", "false");
      const unpressed = await background(down);

      await down.click();
      await expect(down).toHaveAttribute("aria-pressed", "true");
      await expect(up).toHaveAttribute("aria-pressed", "false");
      // Measured away from the pointer, so hover does not count, and hovered too.
      const pressedHovered = await background(down);
      await page.mouse.move(0, 0);
      await expect.poll(() => background(down)).not.toBe(unpressed);
      expect(pressedHovered).not.toBe(unpressed);
      expect(await background(up)).toBe(unpressed);
      // The icon is filled, not only outlined.
      expect(await down.locator("svg").evaluate((el) => getComputedStyle(el).fill)).not.toBe(
        "none",
      );
      await answer.scrollIntoViewIfNeeded();
      await page.screenshot({ path: `/tmp/parley-feedback-down-${colorScheme}.png` });

      // Skip the reason; thumbs-up moves the pressed state over.
      await answer.getByTestId("feedback-reason").getByRole("button", { name: "Skip" }).click();
      await up.click();
      await expect(up).toHaveAttribute("aria-pressed", "true");
      await expect(down).toHaveAttribute("aria-pressed", "false");
      await page.mouse.move(0, 0);
      await expect.poll(() => background(up)).not.toBe(unpressed);
      await expect.poll(() => background(down)).toBe(unpressed);
      await page.screenshot({ path: `/tmp/parley-feedback-up-${colorScheme}.png` });

      // Pressing it again clears it.
      await up.click();
      await expect(up).toHaveAttribute("aria-pressed", "false");
      await page.mouse.move(0, 0);
      await expect.poll(() => background(up)).toBe(unpressed);
    });
  }
});
