import type { Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import { AgentConsolePage } from "./pages/agent-pages";
import { ChatPage } from "./pages/chat-page";
import { localClient, uniqueKey, waitForDemoKb } from "./support/local-api";
import { signedInContext } from "./support/staff";

// Several paced answers and two browser contexts: about 20 s on a quiet machine, near the
// 30 s default on a loaded 2-core one. A safety limit, not a check.
test.describe.configure({ timeout: 90_000 });

test.beforeAll(async ({ baseURL }) => {
  await waitForDemoKb(baseURL as string);
});

/** A visitor's conversation, asked through the real chat UI; returns its chat id. */
const visitorChat = (page: Page, questions: string[]) => new ChatPage(page).converse(questions);

test.describe("agent console search", () => {
  test("plain words find a reworded question in a later turn, in any order; the URL keeps the search", async ({
    page,
    browser,
    baseURL,
  }) => {
    // Two answers at a readable streaming pace, then a dozen searches and navigations.
    test.slow();
    // The tag is a word of its own (no underscore), so a search can single this chat out.
    const tag = uniqueKey("kiwi").replace("_", "");
    const chatId = await visitorChat(page, [
      `How do I invite a colleague? (${tag})`,
      "How do I reset my password?",
    ]);

    const context = await signedInContext(browser, baseURL as string, "agent");
    try {
      const staff = await context.newPage();
      const consolePage = new AgentConsolePage(staff);
      await consolePage.goto();
      await consolePage.showAll();
      await expect(consolePage.searchHelp).toContainText("created directly through the API");

      // The words are in turn 2, the other way round: a regex "password reset" finds nothing.
      await consolePage.filterBy("password reset");
      await expect(consolePage.row(chatId)).toBeVisible();
      await expect(consolePage.snippet(chatId)).toHaveAttribute("data-turn", "2");
      await expect(consolePage.snippet(chatId)).toContainText("Turn 2, question:");
      await expect(consolePage.snippet(chatId).locator("mark")).toHaveText(["reset", "password"]);

      await consolePage.filterBy(`Password, ${tag} RESET`);
      await expect(consolePage.rows).toHaveCount(1);
      await expect(consolePage.row(chatId)).toBeVisible();
      await expect(staff).toHaveURL(/[?&]q=Password%2C\+kiwi[0-9a-f]+\+RESET(&|$)/);

      // Words in any order, spread over turns: the tag is in turn 1, "password" in turn 2.
      await consolePage.filterBy(`password ${tag}`);
      await expect(consolePage.rows).toHaveCount(1);
      await consolePage.filterBy(`${tag} refund`);
      await expect(consolePage.rows).toHaveCount(0);
      await expect(staff.getByTestId("chats-empty")).toHaveText("No conversation matches.");

      // Back shows the previous search and its results; a reload keeps it.
      await staff.goBack();
      await expect(consolePage.filter).toHaveValue(`password ${tag}`);
      await expect(consolePage.rows).toHaveCount(1);
      await staff.reload();
      await expect(consolePage.filter).toHaveValue(`password ${tag}`);
      await expect(consolePage.row(chatId)).toBeVisible();

      // Opening the conversation and coming back keeps the search too.
      await consolePage.row(chatId).getByRole("link").click();
      await expect(staff).toHaveURL(new RegExp(`/agent/chats/${chatId}$`));
      await staff.goBack();
      await expect(consolePage.filter).toHaveValue(`password ${tag}`);
      await expect(consolePage.row(chatId)).toBeVisible();
    } finally {
      await context.close();
    }
  });

  test("a regular expression is an explicit option, and a bad one is explained in words", async ({
    browser,
    baseURL,
  }) => {
    // A chat created directly through the API: Parley's app DB has no turns of it.
    const tag = uniqueKey("quokka").replace("_", "");
    const answer = await localClient(baseURL as string).chats.create({
      query: `How do I reset my password? (${tag})`,
      search: { corpora: [{ corpus_key: "support_kb" }] },
    });
    const chatId = answer.chatId as string;

    const context = await signedInContext(browser, baseURL as string, "agent");
    try {
      const staff = await context.newPage();
      const consolePage = new AgentConsolePage(staff);
      await consolePage.goto();
      await consolePage.showAll();

      await consolePage.filterBy(tag);
      await expect(consolePage.rows).toHaveCount(0);
      await consolePage.filterBy(tag, "regex");
      await expect(consolePage.searchHelp).toContainText("RE2 regular expression");
      await expect(consolePage.rows).toHaveCount(1);
      await expect(consolePage.row(chatId)).toBeVisible();
      await expect(staff).toHaveURL(/[?&]mode=regex(&|$)/);

      await consolePage.filterBy("password (reset", "regex");
      await expect(consolePage.searchError).toHaveText(
        "The pattern has an unclosed parenthesis “(” at position 10: close it with “)”, or write \\( to search for a parenthesis.",
      );
      await expect(consolePage.filter).toHaveAttribute("aria-invalid", "true");
      await expect(consolePage.searchError).not.toContainText("error parsing regexp");

      await consolePage.filterBy("*reset", "regex");
      await expect(consolePage.searchError).toContainText("nothing to repeat before “*”");

      // The mode and the pattern survive a reload, and so does the explanation.
      await staff.reload();
      await expect(staff.getByRole("radio", { name: "Regular expression" })).toBeChecked();
      await expect(consolePage.filter).toHaveValue("*reset");
      await expect(consolePage.searchError).toContainText("nothing to repeat before “*”");

      // Back in words mode, the same text is plain words: no error.
      await consolePage.filterBy("*reset", "words");
      await expect(consolePage.searchError).toHaveCount(0);
      await expect(staff.getByRole("radio", { name: "Words" })).toBeChecked();
    } finally {
      await context.close();
    }
  });

  test("the list route refuses a bad search with a clear 400, never a 500", async ({
    browser,
    baseURL,
  }) => {
    const context = await signedInContext(browser, baseURL as string, "agent");
    try {
      const staff = await context.newPage();
      const cases: [string, RegExp][] = [
        ["q=%3F%21", /at least one word/],
        ["q=a+b+c+d+e+f+g+h+i", /at most 8 words/],
        ["q=reset&filter=reset", /not both/],
        ["filter=(abc", /unclosed parenthesis/],
        ["q=reset&page_key=bm90IG1pbmU", /page key is not valid/],
      ];
      for (const [query, message] of cases) {
        const response = await staff.request.get(`/api/agent/chats?${query}`);
        expect(response.status(), query).toBe(400);
        const body = await response.json();
        expect(body.code, query).toBe("bad_request:staff");
        expect(JSON.stringify(body.messages), query).toMatch(message);
      }
    } finally {
      await context.close();
    }
  });
});
