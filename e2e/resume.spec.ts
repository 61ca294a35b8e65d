import { type AddressInfo, connect, createServer, type Socket } from "node:net";
import { expect, type Locator, type Page, test } from "@playwright/test";
import { ChatPage } from "./pages/chat-page";
import { type OwnServer, startOwnServer } from "./support/own-server";

/**
 * Issue 19, item 2: an answer survives a reload. The answer is generated apart from the
 * request that asked for it and stored as it streams; a page reloaded mid-answer shows
 * the question and picks the answer up where it is, to its end, once. This spec's own
 * server paces answers slowly (10 words a second, as e2e/stop.spec.ts) so that the reload
 * lands mid-answer: the order (words seen, reload, answer complete), not a time.
 */

test.describe.configure({ mode: "serial", timeout: 120_000 });

const PORT = 3237;
const QUESTION = "How do I reset my password if I no longer have access to my email?";

let server: OwnServer;
test.beforeAll(async () => {
  test.setTimeout(180_000);
  server = await startOwnServer({ port: PORT, env: { ANSWER_WORDS_PER_SECOND: "10" } });
});
test.afterAll(async () => {
  await server?.stop();
});

/** The answer's text as shown (not the notes or the cards under it). */
const answerText = async (answer: Locator) =>
  (await answer
    .locator("[data-testid=answer-markdown], [data-testid=answer-plain]")
    .first()
    .textContent()) ?? "";

/** The reconnect requests (GET …/stream) the page makes, with their statuses. */
function watchResumes(page: Page) {
  const seen: number[] = [];
  page.on("response", (response) => {
    if (/\/api\/chat\/[^/]+\/stream/.test(response.url())) seen.push(response.status());
  });
  return seen;
}

const complete = async (chat: ChatPage, n: number) => {
  await expect(chat.answer(n)).toHaveAttribute("data-status", "complete", { timeout: 60_000 });
  await chat.extrasShown(chat.answer(n));
};

test("a reload mid-answer resumes the same answer to its end, once, with its sources and score; it is stored complete", async ({
  page,
}) => {
  const chat = new ChatPage(page, server.baseUrl);
  await chat.goto("/");
  await chat.ask(QUESTION);

  // The answer arrives a few words at a time; the chat already has its own address.
  const answer = chat.answer(0);
  await expect(answer).toHaveAttribute("data-status", "streaming");
  await expect(answer).toContainText(/\w+\W+\w+\W+\w+/);
  const chatId = await chat.chatIdFromUrl();
  await expect(answer).toHaveAttribute("data-status", "streaming");
  const seenBefore = await answerText(answer);

  const resumes = watchResumes(page);
  await page.reload();
  expect(new URL(page.url()).pathname).toBe(`/chat/${chatId}`);

  // The question once, and the answer picked up and streamed to its end, once.
  await expect(chat.userMessages).toHaveText([QUESTION]);
  await complete(chat, 0);
  await expect(chat.assistantMessages).toHaveCount(1);
  await expect(chat.userMessages).toHaveCount(1);
  expect(resumes).toEqual([200]);
  const full = await answerText(chat.answer(0));
  // (A list's numbers are text while the Markdown chunk loads, and list markup after.)
  const firstWord = (text: string) =>
    text
      .replace(/^\s*\d+\.\s+/gm, "")
      .trim()
      .split(/\s+/)[0];
  expect(firstWord(full)).toBe(firstWord(seenBefore));
  expect(full.length).toBeGreaterThan(seenBefore.length);
  expect(await chat.citationCards(chat.answer(0)).count()).toBeGreaterThan(0);
  await expect(chat.answer(0).getByTestId("fcs-badge")).toBeVisible();
  await expect(page.getByTestId("answer-stopped")).toHaveCount(0);

  // Stored complete: another reload shows the same answer from the app's records, with
  // nothing left to resume.
  const later = watchResumes(page);
  await page.reload();
  await complete(chat, 0);
  expect(await answerText(chat.answer(0))).toBe(full);
  await expect(chat.assistantMessages).toHaveCount(1);
  await expect(chat.answer(0).getByTestId("fcs-badge")).toBeVisible();
  expect(await chat.citationCards(chat.answer(0)).count()).toBeGreaterThan(0);
  expect(later).toEqual([]);

  // And the conversation goes on from there.
  await chat.ask("And if I forgot my username too?");
  await complete(chat, 1);
  await expect(chat.userMessages).toHaveCount(2);
});

test("a reload in a conversation's second answer resumes that answer, after the first", async ({
  page,
}) => {
  const chat = new ChatPage(page, server.baseUrl);
  await chat.goto("/");
  await chat.ask("Can I get a refund on a yearly plan?");
  await complete(chat, 0);
  const first = await answerText(chat.answer(0));
  await chat.ask(QUESTION);
  await expect(chat.answer(1)).toContainText(/\w+\W+\w+\W+\w+/);
  await expect(chat.answer(1)).toHaveAttribute("data-status", "streaming");

  await page.reload();
  await expect(chat.userMessages).toHaveText(["Can I get a refund on a yearly plan?", QUESTION]);
  await complete(chat, 1);
  await expect(chat.assistantMessages).toHaveCount(2);
  expect(await answerText(chat.answer(0))).toBe(first);
  await expect(chat.answer(1).getByTestId("fcs-badge")).toBeVisible();
});

test("a reload after Stop resumes nothing: the answer stays as it was stopped", async ({
  page,
}) => {
  const chat = new ChatPage(page, server.baseUrl);
  await chat.goto("/");
  await chat.ask(QUESTION);
  const answer = chat.answer(0);
  await expect(answer).toHaveAttribute("data-status", "streaming");
  await expect(answer).toContainText(/\w+\W+\w+\W+\w+/);
  await chat.stopButton.click();
  await chat.waitForAnswer(0, "stopped");
  const stopped = await answerText(answer);

  const resumes = watchResumes(page);
  await page.reload();
  await chat.waitForAnswer(0, "stopped");
  expect(await answerText(chat.answer(0))).toBe(stopped);
  await expect(chat.assistantMessages).toHaveCount(1);
  await expect(chat.answer(0).getByTestId("regenerate-button")).toBeVisible();
  // The composer is free: nothing is streaming into the page.
  await expect(chat.sendButton).toBeVisible();
  expect(resumes).toEqual([]);
});

test("a connection dropped mid-answer is picked up again, and the answer completes once", async ({
  page,
}) => {
  // The browser reaches the server through a relay that can cut its connections, as a
  // network that drops would.
  const relay = await startRelay(PORT);
  try {
    const chat = new ChatPage(page, relay.baseUrl);
    await chat.goto("/");
    await chat.ask(QUESTION);
    const answer = chat.answer(0);
    await expect(answer).toContainText(/\w+\W+\w+\W+\w+/);
    await chat.chatIdFromUrl();
    const resumes = watchResumes(page);

    relay.cutAll();

    await complete(chat, 0);
    await expect(chat.assistantMessages).toHaveCount(1);
    await expect(chat.userMessages).toHaveText([QUESTION]);
    await expect(chat.answer(0).getByTestId("fcs-badge")).toBeVisible();
    await expect(page.getByTestId("answer-stopped")).toHaveCount(0);
    await expect(chat.error).toHaveCount(0);
    expect(relay.cuts).toBeGreaterThan(0);
    expect(resumes).toEqual([200]);
  } finally {
    await relay.close();
  }
});

/** A TCP relay to the server on a port the system picks; `cutAll` drops every open connection. */
async function startRelay(targetPort: number) {
  const open = new Set<Socket>();
  let cuts = 0;
  const server = createServer((client) => {
    const upstream = connect(targetPort, "127.0.0.1");
    client.pipe(upstream);
    upstream.pipe(client);
    open.add(client);
    const close = () => {
      open.delete(client);
      client.destroy();
      upstream.destroy();
    };
    for (const socket of [client, upstream]) {
      socket.on("error", close);
      socket.on("close", close);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    get cuts() {
      return cuts;
    },
    cutAll() {
      for (const socket of open) {
        cuts += 1;
        socket.resetAndDestroy();
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of open) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
