import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { expect, test } from "@playwright/test";
import Database from "better-sqlite3";
import { cookieHeaderOf, type OwnServer, rawRequest, startOwnServer } from "./support/own-server";

/**
 * Graceful shutdown (issue 18, item 4; lib/http/shutdown.ts). A Parley of this spec's own,
 * pacing answers slowly (5 words a second), gets SIGTERM while an answer streams: the
 * answer still ends with its finish part, a new connection is refused meanwhile, the
 * process exits 0, and engine.db and app.db are left with no WAL content, whole, and
 * with the chat in them: started again on the same data directory, the visitor's chat is
 * in their history. What is asserted is an order of events, not a time.
 */

test.describe.configure({ mode: "serial" });

const PORT = 3235;
const ENV = {
  ANSWER_WORDS_PER_SECOND: "5",
  // Far longer than the paced answer takes: the answer ends, not the grace.
  SHUTDOWN_GRACE_MS: "120000",
  CHAT_RATE_LIMIT_PER_IP_PER_MINUTE: "1000000",
};
const QUESTION = "How do I reset my password if I no longer have access to my email?";

interface Part {
  type: string;
  delta?: string;
  data?: { chatId?: string };
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
        return []; // a line still arriving
      }
    });
}

/** True when a database's -wal (or -shm) file is gone or empty. */
const emptyOrGone = (file: string) => !existsSync(file) || statSync(file).size === 0;

let server: OwnServer | undefined;
test.afterEach(async () => {
  await server?.stop();
  server = undefined;
});

test("SIGTERM mid-answer: the answer finishes, new connections are refused, exit 0, the databases are checkpointed and whole", async () => {
  test.setTimeout(300_000);
  server = await startOwnServer({ port: PORT, env: ENV });
  const { dataDir, baseUrl } = server;
  const running = server;

  const home = await rawRequest({ url: `${baseUrl}/` });
  expect(home.status).toBe(200);
  const cookie = cookieHeaderOf(home.headers);

  // Ask, and note when the answer's words have started arriving.
  let midAnswer = () => {};
  const streaming = new Promise<void>((resolve) => {
    midAnswer = resolve;
  });
  let answerEnded = false;
  const answer = rawRequest({
    url: `${baseUrl}/api/chat`,
    method: "POST",
    headers: { "content-type": "application/json", cookie },
    body: JSON.stringify({
      chatId: null,
      message: { id: "m-shutdown", role: "user", parts: [{ type: "text", text: QUESTION }] },
    }),
    onChunk: (body) => {
      if (partsOf(body).filter((p) => p.type === "text-delta").length >= 2) midAnswer();
      return false;
    },
  }).finally(() => {
    answerEnded = true;
  });
  await streaming;

  running.signal("SIGTERM");
  await expect.poll(() => running.output()).toMatch(/shutting down: no new connections; \d+ open/);
  // The server no longer listens, while the answer is still streaming.
  const refused = await rawRequest({ url: `${baseUrl}/api/health` }).then(
    (r) => `answered ${r.status}`,
    (error: NodeJS.ErrnoException) => error.code,
  );
  expect(refused).toBe("ECONNREFUSED");
  expect(answerEnded).toBe(false);

  // The answer in flight is whole: its last part is the finish, then [DONE].
  const response = await answer;
  expect(response.status).toBe(200);
  const parts = partsOf(response.body);
  expect(parts.filter((p) => p.type === "error")).toEqual([]);
  expect(parts.filter((p) => p.type === "text-delta").length).toBeGreaterThan(2);
  expect(parts.at(-1)?.type).toBe("finish");
  expect(response.body.trimEnd().endsWith("data: [DONE]")).toBe(true);
  const chatId = parts.find((p) => p.type === "data-chat-info")?.data?.chatId ?? "";
  expect(chatId).toMatch(/^cht_/);

  // Exit 0, after closing everything, one line a step.
  expect(await running.exited).toEqual({ code: 0, signal: null });
  const log = running.output();
  expect(log).toMatch(/shutting down: every request has finished/);
  expect(log).toMatch(/shutting down: closed the local engine/);
  expect(log).toMatch(/shutting down: closed the app database/);
  expect(log).toMatch(/Parley: stopped\./);
  server = undefined;

  // No WAL content left behind; both databases whole, the answer stored complete.
  for (const name of ["engine.db", "app.db"]) {
    expect(emptyOrGone(join(dataDir, `${name}-wal`)), `${name}-wal`).toBe(true);
    expect(emptyOrGone(join(dataDir, `${name}-shm`)), `${name}-shm`).toBe(true);
    const db = new Database(join(dataDir, name));
    try {
      expect(db.pragma("integrity_check", { simple: true })).toBe("ok");
      if (name === "app.db") {
        const turn = db.prepare("SELECT status, answer FROM turns WHERE chat_id = ?").get(chatId) as
          | { status: string; answer: string }
          | undefined;
        expect(turn?.status).toBe("complete");
        expect(turn?.answer.length).toBeGreaterThan(0);
      }
    } finally {
      db.close();
    }
  }

  // Started again on the same data directory: the visitor's chat is in their history.
  server = await startOwnServer({ port: PORT, env: ENV, dataDir });
  const history = await rawRequest({ url: `${server.baseUrl}/api/history`, headers: { cookie } });
  expect(history.status).toBe(200);
  const chats = (JSON.parse(history.body) as { chats: Array<{ chatId: string }> }).chats;
  expect(chats).toEqual([expect.objectContaining({ chatId })]);
  const page = await rawRequest({ url: `${server.baseUrl}/chat/${chatId}`, headers: { cookie } });
  expect(page.status).toBe(200);
  expect(page.body).toContain('data-testid="message-user"');
});
