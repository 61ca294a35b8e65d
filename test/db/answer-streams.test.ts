import { beforeEach, describe, expect, it, vi } from "vitest";
import { appDbs } from "../support/app-db";

vi.mock("server-only", () => ({}));
const {
  appendAnswerBatch,
  createAnswerStream,
  endAnswerStream,
  findLiveAnswerStream,
  getAnswerStream,
  hasStoppingAnswerStream,
  readAnswerBatches,
  requestAnswerStreamStop,
  sweepExpiredAnswerStreams,
  touchAnswerStream,
  ENDED_STREAM_TTL_MS,
  ABANDONED_STREAM_TTL_MS,
  STALE_STREAM_MS,
} = await import("@/lib/db");
type SqlDriver = import("@/lib/db").SqlDriver;

const T0 = 1_800_000_000_000;

describe.each(appDbs)("answer streams ($name)", (engine) => {
  let db: SqlDriver;
  beforeEach(async () => {
    db = await engine.open();
  });
  const open = (streamId: string, { chatId = "cht_a", ownerId = "vis_a", now = T0 } = {}) =>
    createAnswerStream({ db, streamId, chatId, ownerId, now });
  const append = (streamId: string, chunks: unknown[], now = T0, maxBytes?: number) =>
    appendAnswerBatch({ db, streamId, chunks, now, maxBytes });

  it("appends batches in order and reads them back from any offset", async () => {
    await open("trn_1");
    const batches = [
      [{ type: "start" }, { type: "data-chat-info", data: { chatId: "cht_a" } }],
      [
        { type: "text-start", id: "answer" },
        { type: "text-delta", id: "answer", delta: "Hi " },
      ],
      [{ type: "text-delta", id: "answer", delta: "there." }],
    ];
    for (const chunks of batches) {
      expect(await append("trn_1", chunks)).toEqual({ stored: true, stopRequested: false });
    }
    expect(await readAnswerBatches({ db, streamId: "trn_1", fromSeq: 0 })).toEqual(
      batches.map((chunks, seq) => ({ seq, chunks })),
    );
    expect(await readAnswerBatches({ db, streamId: "trn_1", fromSeq: 1, limit: 1 })).toEqual([
      { seq: 1, chunks: batches[1] },
    ]);
    expect(await readAnswerBatches({ db, streamId: "trn_1", fromSeq: 3 })).toEqual([]);
    expect(
      await getAnswerStream({ db, streamId: "trn_1", chatId: "cht_a", ownerId: "vis_a" }),
    ).toMatchObject({ status: "active", batches: 3, stopRequested: false, endedAt: null });
  });

  it("scopes a stream to its chat and owner", async () => {
    await open("trn_1");
    const get = (chatId: string, ownerId: string) =>
      getAnswerStream({ db, streamId: "trn_1", chatId, ownerId });
    expect(await get("cht_a", "vis_a")).toBeDefined();
    expect(await get("cht_a", "vis_b")).toBeUndefined();
    expect(await get("cht_b", "vis_a")).toBeUndefined();
    const live = (chatId: string, ownerId: string) =>
      findLiveAnswerStream({ db, chatId, ownerId, now: T0 });
    expect((await live("cht_a", "vis_a"))?.streamId).toBe("trn_1");
    expect(await live("cht_a", "vis_b")).toBeUndefined();
    // A stop names the chat too: another chat's id reaches nothing.
    expect(await requestAnswerStreamStop({ db, streamId: "trn_1", chatId: "cht_b" })).toBe(false);
  });

  it("finds the newest live stream; not a stopped, ended or stale one", async () => {
    await open("trn_1", { now: T0 });
    await open("trn_2", { now: T0 + 1 });
    const live = (now = T0 + 2) =>
      findLiveAnswerStream({ db, chatId: "cht_a", ownerId: "vis_a", now });
    expect((await live())?.streamId).toBe("trn_2");
    await endAnswerStream({ db, streamId: "trn_2", status: "complete", now: T0 + 2 });
    expect((await live())?.streamId).toBe("trn_1");
    // Written recently enough, it is live; nobody writing it for long, it is not.
    expect((await live(T0 + STALE_STREAM_MS))?.streamId).toBe("trn_1");
    expect(await live(T0 + STALE_STREAM_MS + 1)).toBeUndefined();
    await touchAnswerStream({ db, streamId: "trn_1", now: T0 + STALE_STREAM_MS });
    expect((await live(T0 + STALE_STREAM_MS + 1))?.streamId).toBe("trn_1");
    expect(await requestAnswerStreamStop({ db, streamId: "trn_1", chatId: "cht_a" })).toBe(true);
    expect(await live()).toBeUndefined();
  });

  it("knows a stop asked for but not yet carried out, until the stream ends or goes stale", async () => {
    await open("trn_1");
    const stopping = (now = T0, chatId = "cht_a", ownerId = "vis_a") =>
      hasStoppingAnswerStream({ db, chatId, ownerId, now });
    expect(await stopping()).toBe(false);
    await requestAnswerStreamStop({ db, streamId: "trn_1", chatId: "cht_a" });
    expect(await stopping()).toBe(true);
    expect(await stopping(T0, "cht_b")).toBe(false);
    expect(await stopping(T0, "cht_a", "vis_b")).toBe(false);
    // Its generator gone (nothing written for too long): nothing will carry it out.
    expect(await stopping(T0 + STALE_STREAM_MS + 1)).toBe(false);
    await endAnswerStream({ db, streamId: "trn_1", status: "stopped", now: T0 });
    expect(await stopping()).toBe(false);
  });

  it("tells the generator of a stop, and refuses batches once the stream ended", async () => {
    await open("trn_1");
    expect(await touchAnswerStream({ db, streamId: "trn_1", now: T0 })).toEqual({
      stopRequested: false,
    });
    await requestAnswerStreamStop({ db, streamId: "trn_1", chatId: "cht_a" });
    expect(await touchAnswerStream({ db, streamId: "trn_1", now: T0 })).toEqual({
      stopRequested: true,
    });
    expect(await append("trn_1", [{ type: "text-delta" }])).toEqual({
      stored: true,
      stopRequested: true,
    });
    await endAnswerStream({ db, streamId: "trn_1", status: "stopped", now: T0 });
    expect(await append("trn_1", [{ type: "finish" }])).toEqual({
      stored: false,
      stopRequested: true,
    });
    expect(await readAnswerBatches({ db, streamId: "trn_1", fromSeq: 0 })).toHaveLength(1);
    // An ended stream keeps its status: a late end changes nothing.
    await endAnswerStream({ db, streamId: "trn_1", status: "complete", now: T0 + 1 });
    expect(
      await getAnswerStream({ db, streamId: "trn_1", chatId: "cht_a", ownerId: "vis_a" }),
    ).toMatchObject({ status: "stopped", endedAt: T0 });
    expect(await touchAnswerStream({ db, streamId: "trn_none", now: T0 })).toBeUndefined();
  });

  it("refuses a batch that would take the stream past its size bound", async () => {
    await open("trn_1");
    const delta = { type: "text-delta", id: "answer", delta: "x".repeat(100) };
    const size = Buffer.byteLength(JSON.stringify([delta]));
    expect((await append("trn_1", [delta], T0, size * 2)).stored).toBe(true);
    expect((await append("trn_1", [delta], T0, size * 2)).stored).toBe(true);
    expect((await append("trn_1", [delta], T0, size * 2)).stored).toBe(false);
    expect(
      await getAnswerStream({ db, streamId: "trn_1", chatId: "cht_a", ownerId: "vis_a" }),
    ).toMatchObject({ batches: 2, bytes: size * 2 });
    expect(await readAnswerBatches({ db, streamId: "trn_1", fromSeq: 0 })).toHaveLength(2);
  });

  it("expires ended streams after their lifetime, and abandoned active ones, a bounded number per sweep", async () => {
    for (const id of ["trn_1", "trn_2", "trn_3"]) {
      await open(id);
      await append(id, [{ type: "start" }]);
      await endAnswerStream({ db, streamId: id, status: "complete", now: T0 });
    }
    await open("trn_active", { now: T0 });
    const ids = async () =>
      (await db.all<{ stream_id: string }>("SELECT stream_id FROM answer_streams")).map(
        (r) => r.stream_id,
      );
    // Within their lifetime: kept.
    expect(await sweepExpiredAnswerStreams({ db, now: T0 + ENDED_STREAM_TTL_MS })).toBe(0);
    // Past it: at most `limit` per sweep, with their batches.
    const later = T0 + ENDED_STREAM_TTL_MS + 1;
    expect(await sweepExpiredAnswerStreams({ db, now: later, limit: 2 })).toBe(2);
    expect(await sweepExpiredAnswerStreams({ db, now: later, limit: 2 })).toBe(1);
    expect(await ids()).toEqual(["trn_active"]);
    expect(
      await db.all("SELECT stream_id FROM answer_stream_batches WHERE stream_id <> 'trn_active'"),
    ).toEqual([]);
    // An active stream nobody writes any more goes after its own, longer lifetime.
    expect(await sweepExpiredAnswerStreams({ db, now: T0 + ABANDONED_STREAM_TTL_MS })).toBe(0);
    // Opening a stream sweeps too.
    await open("trn_new", { now: T0 + ABANDONED_STREAM_TTL_MS + 1 });
    expect(await ids()).toEqual(["trn_new"]);
  });
});
