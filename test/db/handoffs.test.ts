import { beforeEach, describe, expect, it, vi } from "vitest";
import { appDbs } from "../support/app-db";

vi.mock("server-only", () => ({}));
const {
  deleteChatByChatId,
  getHandoffByChatId,
  listActiveHandoffs,
  listHandoffsByChatIds,
  requestHandoffByChatId,
  setHandoffStateByChatId,
  upsertChatByChatId,
} = await import("@/lib/db");
type SqlDriver = import("@/lib/db").SqlDriver;

/** lib/db/handoffs.ts on each app database: one request per chat, its states, its deletion. */
describe.each(appDbs)("handoffs ($name)", (engine) => {
  let db: SqlDriver;
  beforeEach(async () => {
    db = await engine.open();
    for (const chatId of ["cht_a", "cht_b", "cht_c"]) {
      await upsertChatByChatId({ db, chatId, ownerId: "vis_1", title: chatId, now: 1 });
    }
  });
  const ask = (chatId: string, email: string, now: number, message = "Please help") =>
    requestHandoffByChatId({
      db,
      handoffId: `hof_${chatId}_${now}`,
      chatId,
      ownerId: "vis_1",
      email,
      message,
      now,
    });

  it("creates one open request per chat; asking again updates it in place", async () => {
    const first = await ask("cht_a", "one@example.com", 100);
    expect(first.created).toBe(true);
    expect(first.handoff).toMatchObject({
      chatId: "cht_a",
      ownerId: "vis_1",
      email: "one@example.com",
      message: "Please help",
      state: "open",
      createdAt: 100,
      updatedAt: 100,
      updatedBy: null,
    });
    const again = await ask("cht_a", "two@example.com", 200, "Still stuck");
    expect(again.created).toBe(false);
    // Same request, same place in the queue: the new contact replaces the old one.
    expect(again.handoff).toMatchObject({
      handoffId: first.handoff.handoffId,
      email: "two@example.com",
      message: "Still stuck",
      state: "open",
      createdAt: 100,
      updatedAt: 200,
    });
    expect(
      await db.all("SELECT handoff_id FROM handoffs WHERE chat_id = ?", ["cht_a"]),
    ).toHaveLength(1);
  });

  it("refuses a state outside open, contacted and closed, and a chat that does not exist", async () => {
    await ask("cht_a", "a@example.com", 100);
    await expect(
      db.run("UPDATE handoffs SET state = 'pending' WHERE chat_id = ?", ["cht_a"]),
    ).rejects.toThrow();
    await expect(ask("cht_nope", "a@example.com", 100)).rejects.toThrow();
  });

  it("records who set the state and when; a closed request asked again starts over", async () => {
    await ask("cht_a", "a@example.com", 100);
    expect(
      await setHandoffStateByChatId({
        db,
        chatId: "cht_none",
        state: "contacted",
        updatedBy: "agent@example.com",
        now: 150,
      }),
    ).toBeUndefined();
    const contacted = await setHandoffStateByChatId({
      db,
      chatId: "cht_a",
      state: "contacted",
      updatedBy: "agent@example.com",
      now: 150,
    });
    expect(contacted?.before).toBe("open");
    expect(contacted?.handoff).toMatchObject({
      state: "contacted",
      updatedAt: 150,
      updatedBy: "agent@example.com",
    });
    await setHandoffStateByChatId({
      db,
      chatId: "cht_a",
      state: "closed",
      updatedBy: "agent@example.com",
      now: 160,
    });
    const reopened = await ask("cht_a", "a@example.com", 300);
    expect(reopened.created).toBe(true);
    expect(reopened.handoff).toMatchObject({
      state: "open",
      createdAt: 300,
      updatedBy: null,
    });
  });

  it("lists the active requests oldest first, and any chats' requests by id", async () => {
    await ask("cht_b", "b@example.com", 200);
    await ask("cht_a", "a@example.com", 100);
    await ask("cht_c", "c@example.com", 300);
    await setHandoffStateByChatId({
      db,
      chatId: "cht_a",
      state: "contacted",
      updatedBy: "agent@example.com",
      now: 400,
    });
    await setHandoffStateByChatId({
      db,
      chatId: "cht_c",
      state: "closed",
      updatedBy: "agent@example.com",
      now: 400,
    });
    expect((await listActiveHandoffs({ db })).map((h) => [h.chatId, h.state])).toEqual([
      ["cht_a", "contacted"],
      ["cht_b", "open"],
    ]);
    const byId = await listHandoffsByChatIds({ db, chatIds: ["cht_c", "cht_x"] });
    expect([...byId.keys()]).toEqual(["cht_c"]);
    expect(byId.get("cht_c")?.state).toBe("closed");
  });

  it("goes with its chat: deleting the conversation deletes the email", async () => {
    await ask("cht_a", "gone@example.com", 100);
    await ask("cht_b", "kept@example.com", 100);
    expect(await deleteChatByChatId({ db, chatId: "cht_a" })).toEqual({ deleted: true });
    expect(await getHandoffByChatId({ db, chatId: "cht_a" })).toBeUndefined();
    expect(await db.all("SELECT email FROM handoffs")).toEqual([{ email: "kept@example.com" }]);
  });

  it("cascades from chats even without the data module's explicit delete", async () => {
    await ask("cht_b", "cascade@example.com", 100);
    // Only the chat row, as a future purge might: the foreign key takes the handoff.
    await db.run("DELETE FROM turns WHERE chat_id = ?", ["cht_b"]);
    await db.run("DELETE FROM chats WHERE chat_id = ?", ["cht_b"]);
    expect(await getHandoffByChatId({ db, chatId: "cht_b" })).toBeUndefined();
  });
});
