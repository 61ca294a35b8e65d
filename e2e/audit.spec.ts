import { expect, test } from "./fixtures";
import { TranscriptPage } from "./pages/agent-pages";
import { AuditPage } from "./pages/audit-page";
import { ChatPage } from "./pages/chat-page";
import { uniqueKey, waitForDemoKb } from "./support/local-api";
import { signedInContext } from "./support/staff";

// Several paced answers and two browser contexts: about 20 s on a quiet machine, near the
// 30 s default on a loaded 2-core one. A safety limit, not a check.
test.describe.configure({ timeout: 90_000 });

test.beforeAll(async ({ baseURL }) => {
  await waitForDemoKb(baseURL as string);
});

test("the audit log names disabled turns by number and question, and outlives the conversation", async ({
  page,
  browser,
  baseURL,
}) => {
  const questions = [
    "How do I invite a colleague to our workspace?",
    "I was charged twice this month",
    "How do I send Beacon alerts to Slack?",
  ];
  const chat = new ChatPage(page);
  await chat.goto("/");
  for (const [n, question] of questions.entries()) {
    await chat.ask(question);
    await chat.waitForAnswer(n);
  }
  const chatId = await chat.chatIdFromUrl();
  const reason = `Billing detail (${uniqueKey("audit")})`;

  const context = await signedInContext(browser, baseURL as string, "moderator");
  try {
    const staff = await context.newPage();
    const transcript = new TranscriptPage(staff);
    await transcript.goto(chatId);
    await transcript.turn(1).getByTestId("disable-turn-button").click();
    await transcript.disableReason.fill(reason);
    await transcript.confirmDisable.click();
    await expect(transcript.disabledBadges).toHaveCount(2);

    const audit = new AuditPage(staff);
    await audit.goto({ chatId });
    await expect(audit.rows).toHaveCount(1);
    const row = audit.rows.first();
    await expect(audit.turns(row)).toHaveText("Turns 2–3");
    await expect(row).not.toContainText("trn_");
    await expect(audit.questions(row).first()).toHaveText(`2.${questions[1]}`);
    await expect(audit.questions(row).nth(1)).toBeHidden();
    await audit.showLaterQuestions(row);
    await expect(audit.questions(row).nth(1)).toHaveText(`3.${questions[2]}`);
    await expect(audit.change(row)).toHaveText(
      "Turns 2–3 hidden from the visitor and from later answers; turn 1 unchanged.",
    );
    await expect(row).toContainText(reason);
    await expect(row).toContainText("moderator@demo.local");
    await audit.conversationLink(row).click();
    await expect(staff).toHaveURL(new RegExp(`/agent/chats/${chatId}$`));

    // The visitor deletes the conversation: the entry keeps its turns and questions.
    await chat.historyItems.first().getByTestId("delete-chat").click();
    await page.getByTestId("confirm-delete").click();
    await expect(chat.historyItems).toHaveCount(0);

    await audit.goto({ chatId });
    await expect(audit.conversationDeleted(row)).toHaveText("Conversation deleted");
    await expect(audit.conversationLink(row)).toHaveCount(0);
    await expect(audit.turns(row)).toHaveText("Turns 2–3");
    await expect(audit.questions(row).first()).toHaveText(`2.${questions[1]}`);
  } finally {
    await context.close();
  }
});
