import { buildChatRequest } from "../lib/chat/request";
import { expect, test } from "./fixtures";
import { ChatPage } from "./pages/chat-page";
import { E2E_API_KEY } from "./support/keys";
import { localClient, waitForDemoKb } from "./support/local-api";
import {
  abandonedUpstreamRequests,
  armFault,
  clearFaults,
  REMOTE_BASE_URL,
} from "./support/remote";

/**
 * Failures at the upstream, for real: the remote-mode instance's "Vectara" is the fault
 * proxy in front of the local-mode app's /v2 API (see playwright.config.ts). The proxy is
 * shared, so these tests run one at a time.
 */
test.describe.configure({ mode: "serial" });

test.beforeAll(async ({ baseURL }) => {
  await waitForDemoKb(baseURL as string);
});
test.afterEach(async ({ request }) => {
  await clearFaults(request);
});

/** Chats stored upstream whose first question matches exactly. */
async function upstreamChats(baseURL: string, question: string): Promise<number> {
  const escaped = question.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const page = await localClient(baseURL).chats.list({ filter: `^${escaped}$`, limit: 100 });
  return page.items.length;
}

test("an upstream 503 shows a clear error, keeps the question, and retry then succeeds", async ({
  page,
  request,
  baseURL,
}) => {
  const chat = new ChatPage(page, REMOTE_BASE_URL);
  const question = `Can I get a refund on my yearly plan? (503 ${Date.now()})`;
  await armFault(request, { match: "POST /v2/chats", fault: "status", status: 503 });

  await chat.goto("/");
  await chat.ask(question);
  await expect(chat.error).toBeVisible();
  await expect(chat.error).toContainText(/unavailable/i);
  await expect(chat.userMessages).toHaveText([question]);
  expect(await upstreamChats(baseURL as string, question)).toBe(0);

  await chat.retryButton.click();
  const answer = await chat.waitForAnswer(0);
  await expect(chat.error).toBeHidden();
  await expect(chat.citationCards(answer).first()).toHaveAttribute(
    "data-document-id",
    "billing/refund-policy.md",
  );
  await expect(chat.userMessages).toHaveText([question]);
  await chat.chatIdFromUrl();
  expect(await upstreamChats(baseURL as string, question)).toBe(1);
});

test("an answer cut mid-stream keeps its partial text, says so, and can be retried", async ({
  page,
  request,
  baseURL,
}) => {
  const question = "How do I send Beacon alerts to Slack?";
  // The same question's stream, straight from the engine (which is deterministic).
  const probe = await fetch(`${baseURL}/v2/chats`, {
    method: "POST",
    headers: {
      "x-api-key": E2E_API_KEY,
      "content-type": "application/json",
      accept: "text/event-stream",
    },
    // The very request the chat route sends, so that byte offsets match.
    body: JSON.stringify({
      ...buildChatRequest({ query: question, corpusKey: "support_kb" }),
      stream_response: true,
    }),
  });
  const text = await probe.text();
  // Cut just after the third generated chunk's event.
  let cutAt = text.indexOf("generation_chunk");
  for (let i = 0; i < 3; i++) cutAt = text.indexOf("\n\n", cutAt) + 2;
  expect(cutAt).toBeGreaterThan(text.indexOf("generation_chunk"));
  expect(cutAt).toBeLessThan(text.indexOf("generation_end"));

  await armFault(request, { match: "POST /v2/chats", fault: "cut-stream", afterBytes: cutAt });
  const chat = new ChatPage(page, REMOTE_BASE_URL);
  await chat.goto("/");
  await chat.ask(question);

  const partial = await chat.waitForAnswer(0, "error");
  await expect(partial).not.toHaveText("");
  await expect(chat.error).toContainText(/interrupted/i);
  await expect(chat.userMessages).toHaveText([question]);

  await chat.retryButton.click();
  const answer = await chat.waitForAnswer(0);
  await expect(chat.citationCards(answer).first()).toHaveAttribute(
    "data-document-id",
    "integrations/slack-integration.md",
  );
});

test("stop mid-stream keeps the partial answer, marked as stopped, and aborts upstream", async ({
  page,
  request,
}) => {
  const question = `My monitor says down but my website is working fine (${Date.now()})`;
  // A slow model: each event reaches Parley 150 ms after the last.
  await armFault(request, { match: "POST /v2/chats", fault: "throttle", paceMs: 150 });
  const abandonedBefore = await abandonedUpstreamRequests(request);
  const chat = new ChatPage(page, REMOTE_BASE_URL);
  await chat.goto("/");
  await chat.ask(question);

  const answer = chat.answer(0);
  await expect(answer).toHaveAttribute("data-status", "streaming");
  await expect(answer).toContainText(/\w{3,}/);
  await chat.stopButton.click();

  await expect(answer).toHaveAttribute("data-status", "stopped");
  await expect(answer.getByTestId("answer-stopped")).toBeVisible();
  const kept = await answer.textContent();
  await page.waitForTimeout(1_000);
  expect(await answer.textContent()).toBe(kept);
  await expect(chat.sendButton).toBeVisible();

  // Stop reached the upstream: Parley hung up on "Vectara" mid-answer.
  await expect
    .poll(() => abandonedUpstreamRequests(request), { timeout: 5_000 })
    .toBe(abandonedBefore + 1);
  // A stopped first answer leaves no conversation in the visitor's history.
  await expect(chat.historyItems).toHaveCount(0);
});

test("rate limiting says how long to wait", async ({ page }) => {
  const chat = new ChatPage(page, REMOTE_BASE_URL);
  await chat.goto("/");
  // The remote instance allows 3 questions a minute (playwright.config.ts).
  for (let n = 0; n < 3; n++) {
    await chat.ask(`I forgot my password (${n})`);
    await chat.waitForAnswer(n);
  }
  await chat.ask("I forgot my password (one too many)");
  await expect(chat.error).toHaveAttribute("data-code", "rate_limit:chat");
  await expect(chat.error).toContainText(/wait \d+ seconds?/);
  await expect(chat.retryButton).toBeDisabled();
  await expect(chat.userMessages.last()).toHaveText("I forgot my password (one too many)");
});
