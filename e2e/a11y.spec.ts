import AxeBuilder from "@axe-core/playwright";
import type { Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import { AgentConsolePage, TranscriptPage } from "./pages/agent-pages";
import { ChatPage } from "./pages/chat-page";
import { InsightsPage } from "./pages/insights-page";
import { SourcesPanel } from "./pages/sources-panel";
import { signedInContext } from "./support/staff";

/**
 * Accessibility, checked on every page in every e2e run: axe-core's WCAG 2.1 A and AA
 * rules, in light and dark, with no serious or critical violation allowed. The failure
 * message names each violation's rule, impact and the elements it found.
 */

const WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];
const PHONE = { width: 390, height: 844 };
const QUESTION = "How do I reset my password?";

type AxeResults = Awaited<ReturnType<AxeBuilder["analyze"]>>;
type Violation = AxeResults["violations"][number];

function describeViolations(where: string, violations: Violation[]): string {
  if (violations.length === 0) return `${where}: no serious or critical violations`;
  const lines = violations.map((v) => {
    const targets = v.nodes.map((n) => `    - ${n.target.map(String).join(" >> ")}`).join("\n");
    return `  ${v.id} [${v.impact}] ${v.help} (${v.nodes.length} element(s))\n${targets}`;
  });
  return `${where}: ${violations.length} serious or critical accessibility violation(s)\n${lines.join("\n")}`;
}

/** Runs axe on the page as it is now and fails on any serious or critical violation. */
async function expectAccessible(page: Page, where: string) {
  // Let transitions (the sheet's slide, the drawer's fade) finish before colours are measured.
  await page.waitForTimeout(350);
  const results = await new AxeBuilder({ page }).withTags(WCAG_TAGS).analyze();
  const serious = results.violations.filter(
    (v) => v.impact === "serious" || v.impact === "critical",
  );
  const lesser = results.violations.filter((v) => !serious.includes(v));
  if (lesser.length > 0) {
    // Moderate and minor findings are reported, not failed on.
    test.info().annotations.push({
      type: "a11y (moderate or minor)",
      description: `${where}: ${lesser.map((v) => `${v.id} [${v.impact}]`).join(", ")}`,
    });
  }
  expect(serious, describeViolations(where, serious)).toEqual([]);
}

/** A chat with a finished answer and its source cards; returns its id. */
async function answeredChat(chatPage: ChatPage): Promise<string> {
  await chatPage.goto("/");
  await chatPage.ask(QUESTION);
  const answer = await chatPage.waitForAnswer(0);
  await expect(new SourcesPanel(answer).cards.first()).toBeVisible();
  return chatPage.chatIdFromUrl();
}

for (const colorScheme of ["light", "dark"] as const) {
  test.describe(`accessibility (${colorScheme})`, () => {
    test.use({ colorScheme });

    test("the visitor's home page", async ({ homePage, page }) => {
      await homePage.goto();
      await expect(homePage.heading).toBeVisible();
      await expect(homePage.exampleQuestions.first()).toBeVisible();
      await expectAccessible(page, `/ (${colorScheme})`);
    });

    test("a chat with an answer, its sources and the passage drawer", async ({
      chatPage,
      page,
    }) => {
      await answeredChat(chatPage);
      await expectAccessible(page, `/chat/[id] with an answer (${colorScheme})`);

      const answer = chatPage.answer(0);
      await answer
        .getByRole("button", { name: /^Read passage/ })
        .first()
        .click();
      await expect(page.getByTestId("passage-drawer")).toBeVisible();
      await expectAccessible(page, `/chat/[id] with the passage drawer open (${colorScheme})`);
    });

    test("an answer that found nothing: the offer to talk to a person, and its dialog", async ({
      chatPage,
      page,
    }) => {
      await chatPage.goto("/");
      await chatPage.ask("How do I connect Beacon to Salesforce?");
      await chatPage.waitForAnswer(0);
      await expect(page.getByTestId("handoff-offer")).toBeVisible();
      await expectAccessible(page, `an answer with the offer of a person (${colorScheme})`);
      await page.getByTestId("handoff-offer-open").click();
      await expect(page.getByTestId("handoff-dialog")).toBeVisible();
      // Sent empty: both fields say what is wrong.
      await page.getByTestId("handoff-submit").click();
      await expect(page.getByTestId("handoff-email")).toHaveAttribute("aria-invalid", "true");
      await expectAccessible(page, `the handoff dialog with its errors (${colorScheme})`);
    });

    test.describe("on a phone", () => {
      test.use({ viewport: PHONE });

      test("the history sheet", async ({ chatPage, page }) => {
        await answeredChat(chatPage);
        await page.getByTestId("open-history").click();
        await expect(chatPage.sidebar).toBeVisible();
        await expect(chatPage.historyItems).toHaveCount(1);
        await expectAccessible(page, `history sheet on a phone (${colorScheme})`);
      });
    });

    test.describe("the widget's frame", () => {
      // The widget's panel on a desktop (public/widget.js: at most 400 × 640).
      test.use({ viewport: { width: 400, height: 640 } });

      test("an answer in /embed, and its conversations sheet", async ({ chatPage, page }) => {
        await chatPage.goto("/embed/new");
        await chatPage.ask(QUESTION);
        const answer = await chatPage.waitForAnswer(0);
        await expect(new SourcesPanel(answer).cards.first()).toBeVisible();
        await expect(page).toHaveURL(/\/embed\/chat\/cht_[\w-]+$/);
        await expectAccessible(page, `/embed with an answer (${colorScheme})`);
        await page.getByTestId("open-history").click();
        await expect(chatPage.historyItems.first()).toBeVisible();
        await expectAccessible(page, `/embed's conversations sheet (${colorScheme})`);
      });
    });

    test("the sign-in page", async ({ page }) => {
      await page.goto("/login");
      await expect(page.getByTestId("login-email")).toBeVisible();
      await expectAccessible(page, `/login (${colorScheme})`);
    });

    test("the staff console: conversations, a transcript, audit log, admin", async ({
      browser,
      baseURL,
    }) => {
      test.setTimeout(120_000);
      const visitor = await browser.newContext({ baseURL, colorScheme });
      let chatId: string;
      try {
        chatId = await answeredChat(new ChatPage(await visitor.newPage()));
      } finally {
        await visitor.close();
      }

      const context = await signedInContext(browser, baseURL as string, "admin");
      try {
        const page = await context.newPage();
        await page.emulateMedia({ colorScheme });

        const consolePage = new AgentConsolePage(page);
        await consolePage.goto();
        await expect(consolePage.table).toBeVisible();
        await expect(consolePage.table).toHaveAttribute("aria-busy", "false");
        await expectAccessible(page, `/agent, needs attention (${colorScheme})`);
        await consolePage.showAll();
        await expect(consolePage.row(chatId)).toBeVisible();
        await expectAccessible(page, `/agent, all conversations (${colorScheme})`);

        const transcript = new TranscriptPage(page);
        await transcript.goto(chatId);
        await expect(transcript.turns).toHaveCount(1);
        await transcript.turn(0).getByTestId("inspect-turn").click();
        await expect(transcript.inspector(0)).toBeVisible();
        await expect(transcript.inspector(0).getByTestId("citation-card").first()).toBeVisible();
        await expectAccessible(page, `/agent/chats/[id] with the inspector open (${colorScheme})`);

        await page.goto("/agent/audit");
        await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
        await expectAccessible(page, `/agent/audit (${colorScheme})`);

        const insights = new InsightsPage(page);
        await insights.goto();
        await expect(insights.charts).toHaveCount(6);
        await insights.help.locator("summary").click();
        await expectAccessible(page, `/agent/insights (${colorScheme})`);

        await page.goto("/admin");
        await expect(page.getByTestId("corpus-overview")).toBeVisible();
        await expect(page.getByTestId("document-row").first()).toBeVisible();
        await expectAccessible(page, `/admin (${colorScheme})`);

        await page.goto("/admin/users");
        await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
        await expectAccessible(page, `/admin/users (${colorScheme})`);
      } finally {
        await context.close();
      }
    });
  });
}

test.describe("the history sheet on a phone, by keyboard", () => {
  test.use({ viewport: PHONE });

  test("traps focus, makes the page inert, and Escape returns focus to its button", async ({
    chatPage,
    page,
  }) => {
    await answeredChat(chatPage);
    const opener = page.getByTestId("open-history");
    await opener.focus();
    await page.keyboard.press("Enter");
    await expect(chatPage.sidebar).toBeVisible();
    await expect(opener).toHaveAttribute("aria-expanded", "true");

    // Focus moves into the sheet, and the page behind it is inert.
    const inSheet = () =>
      page.evaluate(() =>
        Boolean(document.getElementById("history-sidebar")?.contains(document.activeElement)),
      );
    await expect.poll(inSheet).toBe(true);
    await expect(page.getByTestId("main")).toHaveJSProperty("inert", true);
    await expect(chatPage.header).toHaveJSProperty("inert", true);
    await expect(chatPage.sidebar).toHaveJSProperty("inert", false);

    // Tab and Shift+Tab cycle through the sheet's controls and never leave it.
    const stops = await chatPage.sidebar
      .locator("a[href], button:not([disabled])")
      .evaluateAll((els) => els.filter((el) => el.getClientRects().length > 0).length);
    expect(stops).toBeGreaterThanOrEqual(2);
    const first = await page.evaluate(() => document.activeElement?.outerHTML);
    for (let i = 0; i < stops; i++) {
      await page.keyboard.press("Tab");
      expect(await inSheet(), `after ${i + 1} Tab(s)`).toBe(true);
    }
    expect(await page.evaluate(() => document.activeElement?.outerHTML)).toBe(first);
    for (let i = 0; i < stops + 1; i++) {
      await page.keyboard.press("Shift+Tab");
      expect(await inSheet(), `after ${i + 1} Shift+Tab(s)`).toBe(true);
    }

    // Escape closes it, the page comes back, and focus is on the button again.
    await page.keyboard.press("Escape");
    await expect(chatPage.sidebar).toBeHidden();
    await expect(opener).toHaveAttribute("aria-expanded", "false");
    await expect(opener).toBeFocused();
    await expect(page.getByTestId("main")).toHaveJSProperty("inert", false);
    await expect(chatPage.header).toHaveJSProperty("inert", false);
  });
});

test("the agent console's views are a tablist the arrow keys drive", async ({
  browser,
  baseURL,
}) => {
  const staff = await signedInContext(browser, baseURL as string, "agent");
  try {
    const page = await staff.newPage();
    const consolePage = new AgentConsolePage(page);
    await consolePage.goto();
    const tablist = page.getByRole("tablist", { name: "Views" });
    const triage = page.getByTestId("tab-triage");
    const all = page.getByTestId("tab-all");
    await expect(tablist.getByRole("tab")).toHaveCount(2);

    // Each tab controls a rendered tabpanel labelled by it; the selected one is the one Tab stop.
    for (const tab of [triage, all]) {
      const panelId = await tab.getAttribute("aria-controls");
      expect(panelId).toBeTruthy();
      const panel = page.locator(`[id="${panelId}"]`);
      await expect(panel).toHaveCount(1);
      await expect(panel).toHaveAttribute("role", "tabpanel");
      await expect(panel).toHaveAttribute("aria-labelledby", (await tab.getAttribute("id")) ?? "");
    }
    await expect(triage).toHaveAttribute("aria-selected", "true");
    await expect(triage).toHaveAttribute("tabindex", "0");
    await expect(all).toHaveAttribute("aria-selected", "false");
    await expect(all).toHaveAttribute("tabindex", "-1");
    await expect(consolePage.triageQueue).toBeVisible();
    await expect(page.getByRole("tabpanel")).toHaveCount(1);

    await triage.focus();
    await page.keyboard.press("ArrowRight");
    await expect(all).toBeFocused();
    await expect(all).toHaveAttribute("aria-selected", "true");
    await expect(all).toHaveAttribute("tabindex", "0");
    await expect(triage).toHaveAttribute("tabindex", "-1");
    await expect(page.getByRole("tabpanel", { name: "All conversations" })).toBeVisible();
    await expect(consolePage.filter).toBeVisible();
    await expect(consolePage.triageQueue).toHaveCount(0);

    // Right from the last wraps to the first; Left from the first wraps to the last.
    await page.keyboard.press("ArrowRight");
    await expect(triage).toBeFocused();
    await expect(triage).toHaveAttribute("aria-selected", "true");
    await expect(consolePage.triageQueue).toBeVisible();
    await page.keyboard.press("ArrowLeft");
    await expect(all).toBeFocused();
    await expect(all).toHaveAttribute("aria-selected", "true");
    await page.keyboard.press("Home");
    await expect(triage).toBeFocused();
    await expect(triage).toHaveAttribute("aria-selected", "true");
    await page.keyboard.press("End");
    await expect(all).toBeFocused();
    await expect(all).toHaveAttribute("aria-selected", "true");
    await expect(page).toHaveURL(/view=all/);

    // Tab leaves the tablist for the selected panel's content.
    await page.keyboard.press("Tab");
    await expect(triage).not.toBeFocused();
    await expect(all).not.toBeFocused();
  } finally {
    await staff.close();
  }
});
