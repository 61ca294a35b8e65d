import { expect, test } from "./fixtures";
import { ArticlePage, collapse } from "./pages/article-page";
import { SourcesPanel } from "./pages/sources-panel";
import { localClient, uniqueKey, waitForDemoKb } from "./support/local-api";
import { REMOTE_BASE_URL } from "./support/remote";

// Issue 15, item 4: the demo knowledge base's URLs point at a domain that cannot exist
// (help.beacon.example), so "article" links open the in-app reader, which shows the whole
// document from the corpus with the passage the answer cited highlighted.

test.beforeAll(async ({ baseURL }) => {
  await waitForDemoKb(baseURL as string);
});

test("a source card's article link opens the reader at the cited passage", async ({
  chatPage,
  page,
  context,
  consoleErrors,
}) => {
  await chatPage.goto("/");
  await chatPage.ask("How long does the password reset link last?");
  const sources = new SourcesPanel(await chatPage.waitForAnswer(0));
  const card = sources.cards.first();
  await expect(card).toBeVisible();
  const passage = collapse((await card.getByTestId("citation-passage").textContent()) ?? "");
  expect(passage.length).toBeGreaterThan(20);
  // Not the unreachable demo URL: the reader, in a new tab so the conversation stays.
  await expect(card.getByRole("link", { name: /open article/i })).toHaveCount(0);
  const link = card.getByTestId("article-link");
  await expect(link).toHaveAttribute("href", /^\/articles\/[^?]+\?passage=\d+$/);
  await expect(link).toHaveAttribute("target", "_blank");

  const [tab] = await Promise.all([context.waitForEvent("page"), link.click()]);
  await tab.waitForLoadState();
  const reader = new ArticlePage(tab);
  await expect(reader.title).toHaveText(
    (await card.getByRole("heading", { level: 3 }).textContent())?.replace(/^Source \d+: /, "") ??
      "",
  );
  await expect(tab).toHaveTitle(`${await reader.title.textContent()} · Parley`);
  // The whole document, not just the passage: several sections, with their headings.
  expect(await reader.body.getByRole("heading", { level: 2 }).count()).toBeGreaterThan(2);
  // The highlighted text is the card's passage, labelled, and on screen.
  expect(await reader.highlightedText()).toBe(passage);
  await expect(reader.highlightLabel).toHaveText("Cited passage");
  await expect(reader.highlightLabel).toBeFocused();
  await expect(reader.highlights.first()).toBeInViewport();
  // A demo URL can never be reached: no "View original" to a dead page.
  await expect(reader.original).toHaveCount(0);
  await tab.close();
  // The conversation is where it was.
  await expect(page).toHaveURL(/\/chat\/cht_/);
  // "Also related" articles open in the reader too.
  const related = sources.related.getByTestId("article-link");
  for (const item of await related.all()) {
    await expect(item).toHaveAttribute("href", /^\/articles\/[^?]+\?passage=\d+$/);
  }
  expect(consoleErrors).toEqual([]);
});

test("the reader renders lists and tables, and highlights a passage deep in the page", async ({
  page,
}) => {
  const reader = new ArticlePage(page);
  // A quote when the link has no offset (a citation stored before offsets were kept).
  const quote = "Use at least 12 characters. A longer passphrase";
  const response = await page.goto(
    `/articles/authentication/resetting-your-password.md?quote=${encodeURIComponent(quote)}`,
  );
  expect(response?.status()).toBe(200);
  await expect(reader.title).toHaveText("Resetting your password");
  await expect(reader.body.locator("ol > li").first()).toContainText(
    "Go to the Beacon sign-in page",
  );
  const table = reader.body.getByRole("table");
  await expect(table.getByRole("columnheader")).toHaveText(["Problem", "What to do"]);
  await expect(table.getByRole("row").filter({ hasText: "This link has expired" })).toHaveCount(1);
  // The cited rows are marked, and scrolled to.
  await expect(reader.highlights.first()).toBeInViewport();
  await expect(reader.highlights.filter({ hasText: quote })).toHaveCount(1);
});

test("a phone shows the reader without sideways scrolling", async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  const reader = new ArticlePage(page);
  await page.goto("/articles/billing/comparing-plans.md");
  await expect(reader.title).toHaveText("Comparing Beacon plans");
  const overflow = await reader.scroller.evaluate((el) => el.scrollWidth - el.clientWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  // The wide table scrolls inside its own box.
  await expect(reader.body.getByRole("table")).toBeVisible();
});

test("an unknown or malformed article id is the not-found page", async ({ page }) => {
  const reader = new ArticlePage(page);
  for (const path of [
    "/articles/no/such/article.md",
    "/articles/billing/comparing-plans.md.missing?passage=3",
    `/articles/${"x".repeat(600)}`,
    "/articles",
  ]) {
    const response = await page.goto(path);
    expect(response?.status(), path).toBe(404);
    await expect(reader.notFound, path).toContainText("Article not found");
    await expect(page).toHaveTitle("Article not found · Parley");
  }
  // A NUL or a broken escape in the path is refused before routing: a 400, never a 500.
  for (const path of ["/articles/%00nul", "/articles/bad%E0%A4%A"]) {
    expect((await page.request.get(path)).status(), path).toBe(400);
  }
  // A malformed passage is ignored, not an error.
  const ok = await page.goto("/articles/billing/comparing-plans.md?passage=-1&page=abc&quote=");
  expect(ok?.status()).toBe(200);
  await expect(reader.highlights).toHaveCount(0);
  await expect(reader.passageMissing).toHaveCount(0);
  // A passage that is not in the article (the article changed) is said so.
  await page.goto("/articles/billing/comparing-plans.md?passage=123456789");
  await expect(reader.passageMissing).toBeVisible();
});

test("a document id with slashes, spaces and markup reads safely", async ({ page, baseURL }) => {
  const word = uniqueKey("zyxreader");
  const documentId = `e2e/${word} notes/<b>guide</b>.md`;
  const client = localClient(baseURL as string);
  await client.documents.create("support_kb", {
    type: "core",
    id: documentId,
    metadata: {
      title: `<img src=x onerror="window.__pwned=1"> ${word}`,
      url: "javascript:alert(1)",
    },
    document_parts: [
      { text: `First <script>window.__pwned=2</script> part of ${word}.` },
      { text: "Second part." },
    ],
  });
  try {
    const reader = new ArticlePage(page);
    const path = `/articles/${documentId.split("/").map(encodeURIComponent).join("/")}`;
    const response = await page.goto(path);
    expect(response?.status()).toBe(200);
    await expect(reader.title).toContainText("<img src=x");
    await expect(reader.body).toContainText("<script>window.__pwned=2</script>");
    await expect(reader.original).toHaveCount(0);
    expect(
      await page.locator("[data-testid=article] script, [data-testid=article] img").count(),
    ).toBe(0);
    expect(await page.evaluate(() => (window as { __pwned?: number }).__pwned)).toBeUndefined();
  } finally {
    await client.documents.delete("support_kb", documentId);
  }
});

test("remote mode reads the article from Vectara", async ({ page }) => {
  const reader = new ArticlePage(page);
  const response = await page.goto(`${REMOTE_BASE_URL}/articles/billing/refund-policy.md`);
  expect(response?.status()).toBe(200);
  await expect(reader.title).toHaveText(/refund/i);
  expect(await reader.body.getByRole("heading", { level: 2 }).count()).toBeGreaterThan(1);
  const missing = await page.goto(`${REMOTE_BASE_URL}/articles/no/such.md`);
  expect(missing?.status()).toBe(404);
});
