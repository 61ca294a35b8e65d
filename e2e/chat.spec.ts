import { expect, test } from "./fixtures";
import { localClient, uniqueKey, waitForDemoKb } from "./support/local-api";

// Every test starts in a fresh browser context, so it is a new visitor with no history.
test.beforeAll(async ({ baseURL }) => {
  await waitForDemoKb(baseURL as string);
});

test.describe("asking a question", () => {
  test("streams a cited answer with a score badge; a marker highlights its card", async ({
    chatPage,
    page,
    consoleErrors,
  }, testInfo) => {
    await chatPage.goto("/");
    const streamed = page.waitForResponse((r) => r.url().endsWith("/api/chat"));
    await chatPage.ask("Can I get a refund on my yearly plan?");

    // The answer arrives as a stream of text deltas, not one block.
    const body = await (await streamed).text();
    expect(body.match(/"type":"text-delta"/g)?.length ?? 0).toBeGreaterThan(3);
    expect(body).toContain('"type":"data-citations"');

    const answer = await chatPage.waitForAnswer(0);
    await expect(chatPage.userMessages.first()).toHaveText("Can I get a refund on my yearly plan?");
    await expect(answer).toContainText(/refund/i);
    const cards = chatPage.citationCards(answer);
    await expect(cards.first()).toBeVisible();
    await expect(cards.first()).toHaveAttribute("data-document-id", "billing/refund-policy.md");
    await expect(answer.getByTestId("fcs-badge")).toHaveAttribute("data-level", /high|medium|low/);

    const marker = chatPage.markers(answer).last();
    const index = (await marker.textContent())?.trim();
    await marker.click();
    const card = cards.and(page.locator(`[data-citation-index="${index}"]`));
    await expect(card).toHaveAttribute("data-active", "true");
    await expect(card).toBeInViewport();

    // The first answer gives the chat its own URL, without a reload, and lists it.
    const chatId = await chatPage.chatIdFromUrl();
    const item = chatPage.historyItems.filter({ hasText: "Can I get a refund on my yearly plan?" });
    await expect(item).toHaveAttribute("data-chat-id", chatId);
    await expect(item).toHaveAttribute("data-active", "true");

    // Screen readers hear once that the answer is complete, not every token, with the
    // number of sources shown under it.
    const cardCount = await cards.count();
    await expect(page.getByTestId("chat-announcer")).toHaveText(
      `Parley answered, with ${cardCount} source${cardCount === 1 ? "" : "s"}.`,
    );

    await testInfo.attach("answer-desktop", {
      body: await page.screenshot({ fullPage: true }),
      contentType: "image/png",
    });
    expect(consoleErrors).toEqual([]);
  });

  test("a follow-up in the same chat is answered from the conversation's article", async ({
    chatPage,
  }) => {
    await chatPage.goto("/");
    await chatPage.ask("I was charged twice this month");
    await chatPage.waitForAnswer(0);
    const chatId = await chatPage.chatIdFromUrl();

    // From the keyboard: Enter sends.
    await chatPage.input.fill("When will I get that money back?");
    await chatPage.input.press("Enter");
    const followUp = await chatPage.waitForAnswer(1);
    await expect(chatPage.citationCards(followUp).first()).toHaveAttribute(
      "data-document-id",
      "billing/duplicate-charges.md",
    );
    await expect(followUp).toContainText(/business days/);
    // Still the same conversation.
    expect(await chatPage.chatIdFromUrl()).toBe(chatId);
    await expect(chatPage.historyItems).toHaveCount(1);
  });
});

test.describe("history", () => {
  test("a reload keeps the conversation, and the sidebar switches between chats", async ({
    chatPage,
    page,
  }) => {
    await chatPage.goto("/");
    await chatPage.ask("How do I invite a colleague to our workspace?");
    await chatPage.waitForAnswer(0);
    const first = await chatPage.chatIdFromUrl();

    await chatPage.newChatButton.click();
    await expect(page).toHaveURL(/\/$/);
    await expect(chatPage.assistantMessages).toHaveCount(0);
    await chatPage.ask("How do I send Beacon alerts to Slack?");
    await chatPage.waitForAnswer(0);
    const second = await chatPage.chatIdFromUrl();
    expect(second).not.toBe(first);

    // Newest first.
    await expect(chatPage.historyItems).toHaveCount(2);
    await expect(chatPage.historyItems.first()).toHaveAttribute("data-chat-id", second);

    await page.reload();
    await expect(page).toHaveTitle("How do I send Beacon alerts to Slack? · Parley");
    await expect(chatPage.userMessages).toHaveText(["How do I send Beacon alerts to Slack?"]);
    const reloaded = await chatPage.waitForAnswer(0);
    await expect(chatPage.citationCards(reloaded).first()).toHaveAttribute(
      "data-document-id",
      "integrations/slack-integration.md",
    );
    await expect(reloaded.getByTestId("fcs-badge")).toBeVisible();

    await chatPage.historyItems.filter({ hasText: "invite a colleague" }).getByRole("link").click();
    await expect(page).toHaveURL(new RegExp(`/chat/${first}$`));
    await expect(chatPage.userMessages).toHaveText([
      "How do I invite a colleague to our workspace?",
    ]);
    await expect(chatPage.historyItems.first()).not.toHaveAttribute("data-active", "true");
    await expect(chatPage.historyItems.filter({ hasText: "invite a colleague" })).toHaveAttribute(
      "data-active",
      "true",
    );
  });

  test("feedback is saved with its reason, and a deleted chat is gone", async ({
    chatPage,
    page,
  }) => {
    await chatPage.goto("/");
    await chatPage.ask("I forgot my password");
    const answer = await chatPage.waitForAnswer(0);
    await answer.getByTestId("feedback-down").click();
    const reason = answer.getByTestId("feedback-reason");
    await reason.getByRole("button", { name: "Didn't answer my question" }).click();
    const saved = page.waitForResponse(
      (r) => r.url().endsWith("/api/feedback") && r.request().method() === "POST",
    );
    await reason.getByRole("button", { name: "Send" }).click();
    expect((await saved).status()).toBe(204);

    await page.reload();
    await expect((await chatPage.waitForAnswer(0)).getByTestId("feedback-down")).toHaveAttribute(
      "aria-pressed",
      "true",
    );

    const chatId = await chatPage.chatIdFromUrl();
    await chatPage.historyItems.first().getByTestId("delete-chat").click();
    await page.getByTestId("confirm-delete").click();
    await expect(chatPage.historyItems).toHaveCount(0);
    await expect(page).toHaveURL(/\/$/);
    expect((await page.goto(`/chat/${chatId}`))?.status()).toBe(404);
  });

  test("Back after deleting a conversation never shows its transcript again", async ({
    chatPage,
    page,
  }) => {
    const first = "refund for a yearly plan?";
    const second = "how do i connect beacon to slack";
    await chatPage.goto("/");
    await chatPage.ask(first);
    await chatPage.waitForAnswer(0);
    const kept = await chatPage.chatIdFromUrl();
    await chatPage.newChatButton.click();
    await chatPage.ask(second);
    await chatPage.waitForAnswer(0);
    const deleted = await chatPage.chatIdFromUrl();
    const open = async (chatId: string, question: string) => {
      await page.locator(`a[href="/chat/${chatId}"]`).click();
      await expect(page).toHaveURL(new RegExp(`/chat/${chatId}$`));
      await expect(chatPage.userMessages).toHaveText([question]);
    };
    // Both pages visited through the sidebar, so both are in the router's cache.
    await open(kept, first);
    await open(deleted, second);

    // Delete the one on screen: a new chat takes its place in the history.
    await chatPage.historyItems
      .filter({ has: page.locator(`a[href="/chat/${deleted}"]`) })
      .getByTestId("delete-chat")
      .click();
    await page.getByTestId("confirm-delete").click();
    await expect(page).toHaveURL(/\/$/);
    await expect(chatPage.historyItems).toHaveCount(1);

    // Back and Forward: the deleted transcript is never shown again.
    await page.goBack();
    await expect(page).toHaveURL(new RegExp(`/chat/${kept}$`));
    await expect(chatPage.userMessages).toHaveText([first]);
    await page.goForward();
    await expect(page).not.toHaveURL(new RegExp(deleted));
    await expect(page.getByText(second)).toHaveCount(0);

    // Deleted while another page is on screen: Back to it shows that it is gone.
    await open(kept, first);
    await chatPage.newChatButton.click();
    await expect(page).toHaveURL(/\/$/);
    await chatPage.historyItems
      .filter({ has: page.locator(`a[href="/chat/${kept}"]`) })
      .getByTestId("delete-chat")
      .click();
    await page.getByTestId("confirm-delete").click();
    await expect(chatPage.historyItems).toHaveCount(0);
    await page.goBack();
    await expect(page).toHaveURL(new RegExp(`/chat/${kept}$`));
    await expect(page.getByTestId("chat-not-found")).toBeVisible();
    await expect(page.getByText(first)).toHaveCount(0);
  });
});

test.describe("moderation", () => {
  test("turns a moderator disabled show a placeholder, and the chat goes on", async ({
    chatPage,
    page,
    baseURL,
  }) => {
    await chatPage.goto("/");
    const questions = [
      "How do I invite a colleague to our workspace?",
      "How do I send Beacon alerts to Slack?",
      "I'm not getting alert emails",
    ];
    for (const [n, question] of questions.entries()) {
      await chatPage.ask(question);
      await chatPage.waitForAnswer(n);
    }
    const chatId = await chatPage.chatIdFromUrl();

    // A moderator disables turn 2, which disables turn 3 too (Vectara's rule).
    const client = localClient(baseURL as string);
    const turns = (await client.turns.list(chatId)).items;
    expect(turns).toHaveLength(3);
    await client.turns.update(chatId, turns[1]?.id ?? "", { enabled: false });

    await page.reload();
    await expect(chatPage.removedTurns).toHaveCount(2);
    await expect(chatPage.userMessages).toHaveText([questions[0] as string]);
    await expect(page.getByText("Slack")).toHaveCount(0);

    await chatPage.ask("I forgot my password");
    const next = await chatPage.waitForAnswer(3);
    await expect(chatPage.citationCards(next).first()).toHaveAttribute(
      "data-document-id",
      "authentication/resetting-your-password.md",
    );
  });
});

test.describe("privacy", () => {
  test("another visitor cannot open, continue or delete someone's chat", async ({
    chatPage,
    browser,
    baseURL,
  }) => {
    await chatPage.goto("/");
    await chatPage.ask("My account got locked after too many login attempts");
    await chatPage.waitForAnswer(0);
    const chatId = await chatPage.chatIdFromUrl();

    const stranger = await browser.newContext();
    try {
      const page = await stranger.newPage();
      const response = await page.goto(`${baseURL}/chat/${chatId}`);
      expect(response?.status()).toBe(404);
      await expect(page.getByTestId("chat-not-found")).toBeVisible();
      await expect(page.getByTestId("history-item")).toHaveCount(0);

      const turn = await page.request.post(`${baseURL}/api/chat`, {
        data: {
          chatId,
          message: { id: "m1", role: "user", parts: [{ type: "text", text: "hello?" }] },
        },
      });
      expect(turn.status()).toBe(404);
      expect(await turn.json()).toMatchObject({ code: "not_found:chat" });
      expect((await page.request.delete(`${baseURL}/api/chats/${chatId}`)).status()).toBe(404);
      // A cross-site request is refused whoever's cookie it carries.
      const crossSite = await chatPage.page.request.delete(`${baseURL}/api/chats/${chatId}`, {
        headers: { origin: "https://evil.example" },
      });
      expect(crossSite.status()).toBe(403);
    } finally {
      await stranger.close();
    }
    // The owner still has it.
    await chatPage.page.reload();
    await expect(chatPage.userMessages).toHaveCount(1);
  });

  test("HTML in a document or an answer executes nothing", async ({ chatPage, page, baseURL }) => {
    const word = uniqueKey("zyxquartz");
    const documentId = `e2e-xss-${word}.md`;
    const client = localClient(baseURL as string);
    await client.documents.create("support_kb", {
      type: "core",
      id: documentId,
      metadata: {
        title: `<img src=x onerror="window.__pwned='title'"> ${word} hazards`,
        url: "javascript:window.__pwned='url'",
        category: "<script>window.__pwned='category'</script>",
      },
      document_parts: [
        {
          text: `The ${word} widget is safe to use. Its manual quotes <script>window.__pwned='script'</script> and <img src=x onerror="window.__pwned='img'"> word for word. The ${word} widget needs no setup at all.`,
        },
      ],
    });
    const dialogs: string[] = [];
    page.on("dialog", (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    try {
      await chatPage.goto("/");
      await chatPage.ask(`Is the ${word} widget safe to use?`);
      const answer = await chatPage.waitForAnswer(0);
      const card = chatPage.citationCards(answer).first();
      await expect(card).toHaveAttribute("data-document-id", documentId);
      // The markup is shown as text, never run.
      await expect(card).toContainText("<script>");
      await expect(card).toContainText("<img src=x");
      await expect(card.getByRole("link", { name: /open article/i })).toHaveCount(0);
      // Without a usable URL the card offers the full passage instead, as text.
      await card.getByRole("button", { name: /read passage/i }).click();
      const drawer = page.getByRole("dialog");
      await expect(drawer).toContainText("window.__pwned='script'");
      await page.keyboard.press("Escape");
      await expect(drawer).toBeHidden();
      expect(await page.locator("main script, main img").count()).toBe(0);
      expect(await page.evaluate(() => (window as { __pwned?: string }).__pwned)).toBeUndefined();
      expect(dialogs).toEqual([]);
    } finally {
      await client.documents.delete("support_kb", documentId);
    }
  });
});

test.describe("on a phone", () => {
  test.use({ viewport: { width: 390, height: 844 } });

  test("the history opens as a sheet", async ({ chatPage, page }, testInfo) => {
    await chatPage.goto("/");
    await expect(chatPage.sidebar).toBeHidden();
    await chatPage.ask("I'm not getting alert emails");
    await chatPage.waitForAnswer(0);
    await testInfo.attach("answer-mobile", {
      body: await page.screenshot({ fullPage: true }),
      contentType: "image/png",
    });

    await page.getByTestId("open-history").click();
    await expect(chatPage.sidebar).toBeVisible();
    await expect(chatPage.historyItems).toHaveCount(1);
    await testInfo.attach("history-sheet-mobile", {
      body: await page.screenshot(),
      contentType: "image/png",
    });
    await page.keyboard.press("Escape");
    await expect(chatPage.sidebar).toBeHidden();
  });
});
