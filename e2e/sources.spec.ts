import type { Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import type { ChatPage } from "./pages/chat-page";
import { SourcesPanel } from "./pages/sources-panel";
import { waitForDemoKb } from "./support/local-api";

// Issue 15, item 3: an answer's sources are numbered 1…n in the order the answer first
// cites them, its markers carry the same numbers, and results it did not cite are listed
// unnumbered under "Also related": while it streams, when it is done, and after a reload.

test.beforeAll(async ({ baseURL }) => {
  await waitForDemoKb(baseURL as string);
});

/** The numbers in the order they first appear. */
const firstUses = (numbers: number[]) => [...new Set(numbers)];
const oneTo = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

/** Records the marker numbers of the last answer on every change while it streams. */
async function watchMarkers(page: Page) {
  await page.evaluate(() => {
    const snapshots: number[][] = [];
    (window as unknown as { __markerSnapshots: number[][] }).__markerSnapshots = snapshots;
    new MutationObserver(() => {
      const answer = [...document.querySelectorAll('[data-testid="message-assistant"]')].at(-1);
      if (answer?.getAttribute("data-status") !== "streaming") return;
      // The rendered markers, or the brackets while the Markdown chunk is still loading.
      const plain = answer.querySelector('[data-testid="answer-plain"]')?.textContent;
      const numbers = plain
        ? [...plain.matchAll(/\[(\d+(?:\s*,\s*\d+)*)\]/g)].flatMap((m) =>
            (m[1] ?? "").split(",").map(Number),
          )
        : [...answer.querySelectorAll('[data-testid="citation-marker"]')].map((m) =>
            Number(m.textContent?.trim()),
          );
      snapshots.push(numbers);
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
  });
}

async function markerSnapshots(page: Page): Promise<number[][]> {
  return page.evaluate(
    () => (window as unknown as { __markerSnapshots: number[][] }).__markerSnapshots,
  );
}

/** What a reader sees of the n-th answer's sources, checked against the rules. */
async function expectNumberedSources(chatPage: ChatPage, n: number) {
  const sources = new SourcesPanel(chatPage.answer(n));
  const cards = await sources.cardNumbers();
  expect(cards.length, "the answer cites at least one source").toBeGreaterThan(0);
  // The cards read 1…n, top to bottom, and their ids agree with what they show.
  expect(cards).toEqual(oneTo(cards.length));
  expect(await sources.cardIndexes()).toEqual(cards);

  // Every marker has a card with its number, and the cards are in the order the
  // markers first cite them: every card is cited.
  const markers = await sources.markerNumbers();
  for (const marker of markers) expect(cards).toContain(marker);
  expect(firstUses(markers)).toEqual(cards);
  // No bracketed source number is left in the text unconverted.
  const text = await sources.text();
  expect(text).not.toMatch(/(?<!\w)\[\d{1,2}(?:\s*[,-]\s*\d{1,2})*\]/);

  // Results the answer did not cite: unnumbered, under "Also related", none of a cited article.
  const relatedCount = await sources.related.count();
  if (relatedCount > 0) {
    await expect(sources.relatedSection.getByRole("heading")).toHaveText(/also related/i);
    await expect(sources.related.getByTestId("citation-number")).toHaveCount(0);
    for (const item of await sources.related.all()) await expect(item).not.toHaveText(/^\s*\d/);
    const cited = await sources.cardDocuments();
    for (const doc of await sources.relatedDocuments()) expect(cited).not.toContain(doc);
  } else {
    await expect(sources.relatedSection).toHaveCount(0);
  }
  return { cards, markers, text, documents: await sources.cardDocuments(), relatedCount };
}

const questions = [
  "how do i reset my pasword?",
  "what happens to my data if i cancel and can i get money back",
  "alerts arent reaching slack or my email, what should i check",
];

for (const question of questions) {
  test(`sources read 1…n in citation order: "${question}"`, async ({
    chatPage,
    page,
    consoleErrors,
  }, testInfo) => {
    await chatPage.goto("/");
    await watchMarkers(page);
    await chatPage.ask(question);
    await chatPage.waitForAnswer(0);
    const seen = await expectNumberedSources(chatPage, 0);

    // While it streamed, each new marker took the next number: 1, then 2, …
    const snapshots = await markerSnapshots(page);
    for (const snapshot of snapshots) {
      expect(firstUses(snapshot)).toEqual(oneTo(firstUses(snapshot).length));
      expect(seen.cards).toEqual(expect.arrayContaining(snapshot));
    }

    testInfo.annotations.push({
      type: "streamed snapshots",
      description: `${snapshots.length}, ${snapshots.filter((m) => m.length > 0).length} with markers`,
    });
    await chatPage.answer(0).screenshot({ path: testInfo.outputPath("answer.png") });

    // Reloaded from the app DB's stored citations: the same numbers, the same text.
    await chatPage.chatIdFromUrl();
    await page.reload();
    await chatPage.waitForAnswer(0);
    const reloaded = await expectNumberedSources(chatPage, 0);
    expect(reloaded).toEqual(seen);
    expect(consoleErrors).toEqual([]);
  });
}

test("a marker selects the card with its number; a related article opens unnumbered", async ({
  chatPage,
  page,
}) => {
  await chatPage.goto("/");
  await chatPage.ask("I forgot my password");
  const sources = new SourcesPanel(await chatPage.waitForAnswer(0));
  const { cards } = await expectNumberedSources(chatPage, 0);
  const last = cards.length;
  await sources.markers
    .filter({ hasText: new RegExp(`^${last}$`) })
    .first()
    .click();
  const card = sources.cards.and(page.locator(`[data-citation-index="${last}"]`));
  await expect(card).toHaveAttribute("data-active", "true");
  await expect(card.getByTestId("citation-number")).toHaveText(String(last));

  // This answer was written from other articles too (account lockout among them).
  await expect(sources.relatedSection.getByRole("heading")).toHaveText("Also related");
  await expect(sources.related.first()).toBeVisible();
  const related = sources.related.getByRole("button");
  if ((await related.count()) > 0) {
    await related.first().click();
    const drawer = page.getByTestId("passage-drawer");
    await expect(drawer).toBeVisible();
    await expect(drawer.getByRole("heading", { level: 2 })).not.toContainText(/Source \d/);
  }
});
