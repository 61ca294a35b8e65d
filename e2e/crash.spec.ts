import { expect, test } from "./fixtures";
import { ChatPage } from "./pages/chat-page";
import {
  cookieHeaderOf,
  type OwnServer,
  type RawResponse,
  rawRequest,
  startOwnServer,
} from "./support/own-server";

/**
 * A crash mid-answer (issue 14, item 5): the visitor owns a new chat from the moment its
 * id is streamed to them, and the engine has the chat from then on. A Parley of this
 * spec's own is killed with SIGKILL right after the answer's `data-chat-info` part, then
 * started again on the same data directory: the visitor's chat is in their history, opens,
 * and takes a follow-up. Local answers take 0.1–0.6 s, so the kill usually lands mid-answer;
 * what is asserted holds whether or not the engine stored the first turn before it.
 */

test.describe.configure({ mode: "serial" });

const PORT = 3231;
const ENV = { CHAT_RATE_LIMIT_PER_IP_PER_MINUTE: "1000000" };
const QUESTION = "How do I reset my password?";
const FOLLOW_UP = "How long is the reset link valid?";

interface Part {
  type: string;
  data?: { chatId?: string; turnId?: string };
  errorText?: string;
}

/** The UI message stream's parts (SSE `data:` lines) read so far. */
function partsOf(body: string): Part[] {
  return body
    .split("\n")
    .filter((line) => line.startsWith("data: ") && line !== "data: [DONE]")
    .flatMap((line) => {
      try {
        return [JSON.parse(line.slice(6)) as Part];
      } catch {
        return []; // a line cut by the kill
      }
    });
}

function ask(
  server: OwnServer,
  cookie: string,
  text: string,
  chatId: string | null,
  onChunk?: (body: string) => boolean | undefined,
): Promise<RawResponse> {
  return rawRequest({
    url: `${server.baseUrl}/api/chat`,
    method: "POST",
    headers: { "content-type": "application/json", cookie },
    body: JSON.stringify({
      chatId,
      message: { id: `m-${Date.now()}`, role: "user", parts: [{ type: "text", text }] },
    }),
    onChunk,
  });
}

let server: OwnServer | undefined;
test.afterEach(async () => {
  await server?.stop();
  server = undefined;
});

test("a visitor keeps a chat whose server was killed mid-answer: listed, opened, continued", async ({
  page,
}) => {
  test.setTimeout(300_000);
  server = await startOwnServer({ port: PORT, env: ENV });
  const { dataDir } = server;

  // A visitor: the cookie proxy.ts gives a browser on its first page.
  const home = await rawRequest({ url: `${server.baseUrl}/` });
  expect(home.status).toBe(200);
  const cookie = cookieHeaderOf(home.headers);
  expect(cookie).toMatch(/parley_visitor=/);

  // Ask, read until the chat id arrives, and kill the server at once.
  const first = await ask(server, cookie, QUESTION, null, (body) =>
    partsOf(body).some((p) => p.type === "data-chat-info"),
  );
  await server.stop({ kill: true });
  expect(first.status).toBe(200);
  const info = partsOf(first.body).find((p) => p.type === "data-chat-info");
  const chatId = info?.data?.chatId ?? "";
  expect(chatId).toMatch(/^cht_/);

  // The same data directory and port: the same AUTH_SECRET, so the same visitor.
  server = await startOwnServer({ port: PORT, env: ENV, dataDir });

  const history = await rawRequest({ url: `${server.baseUrl}/api/history`, headers: { cookie } });
  expect(history.status).toBe(200);
  const chats = (JSON.parse(history.body) as { chats: Array<{ chatId: string; title: string }> })
    .chats;
  expect(chats).toEqual([expect.objectContaining({ chatId, title: QUESTION })]);

  // The conversation's page answers 200 to its owner, with the question on it.
  const raw = await rawRequest({ url: `${server.baseUrl}/chat/${chatId}`, headers: { cookie } });
  expect(raw.status).toBe(200);
  // (The not-found page's text is in every page's RSC payload: the browser check below
  // is the one that says which of the two rendered.)
  expect(raw.body).toContain('data-testid="message-user"');

  // In a browser with the visitor's cookie: the question, and an answer that is either
  // the one the engine stored before the kill or marked incomplete.
  const [name, ...value] = (cookie.match(/parley_visitor=[^;]+/)?.[0] ?? "").split("=");
  await page
    .context()
    .addCookies([{ name: name as string, value: value.join("="), url: server.baseUrl }]);
  const chat = new ChatPage(page, server.baseUrl);
  await chat.goto(`/chat/${chatId}`);
  await expect(page.getByText("Conversation not found")).toHaveCount(0);
  await expect(chat.userMessages).toHaveText([QUESTION]);
  await expect(chat.answer(0)).toHaveAttribute("data-status", /^(complete|stopped)$/);
  test.info().annotations.push({
    type: "first answer after the restart",
    description: `${await chat.answer(0).getAttribute("data-status")} (the client had read ${
      partsOf(first.body).some((p) => p.type === "finish") ? "the whole answer" : "up to chat-info"
    })`,
  });

  // A follow-up in that chat is answered, in that chat.
  const followUp = await ask(server, cookie, FOLLOW_UP, chatId);
  expect(followUp.status).toBe(200);
  const parts = partsOf(followUp.body);
  expect(parts.filter((p) => p.type === "error")).toEqual([]);
  expect(parts.find((p) => p.type === "data-chat-info")?.data?.chatId).toBe(chatId);
  expect(parts.some((p) => p.type === "text-delta")).toBe(true);
  expect(parts.at(-1)?.type).toBe("finish");

  // The thread now holds both questions, the follow-up's answer complete.
  await chat.goto(`/chat/${chatId}`);
  await expect(chat.userMessages).toHaveText([QUESTION, FOLLOW_UP]);
  await expect(chat.answer(1)).toHaveAttribute("data-status", "complete");

  // The chat is the visitor's to delete (the route answers 404 to anyone else).
  const stranger = cookieHeaderOf((await rawRequest({ url: `${server.baseUrl}/` })).headers);
  const refused = await rawRequest({
    url: `${server.baseUrl}/api/chats/${chatId}`,
    method: "DELETE",
    headers: { cookie: stranger },
  });
  expect(refused.status).toBe(404);
  const deleted = await rawRequest({
    url: `${server.baseUrl}/api/chats/${chatId}`,
    method: "DELETE",
    headers: { cookie },
  });
  expect(deleted.status).toBe(204);
});
