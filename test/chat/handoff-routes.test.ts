import { createHash, randomBytes } from "node:crypto";
import { afterAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { Role } from "@/lib/auth/staff";
import { tempDir } from "../support/files";
import { captureLog } from "../support/log";

/**
 * The handoff routes, called as the browser calls them, on a real app database: the
 * visitor's POST/GET /api/chats/[chatId]/handoff (input checks, ownership, never the
 * email in an answer) and the staff PUT /api/agent/chats/[chatId]/handoff (agent role,
 * zod body, 404 without a handoff). `next/headers` is an in-memory cookie jar for the
 * staff session, as in test/admin/actions.test.ts.
 */
const session = vi.hoisted(() => ({
  visitorId: "vis_owner" as string | null,
  jar: new Map<string, { value: string }>(),
}));

vi.mock("server-only", () => ({}));
vi.mock("@/lib/auth/visitor", () => ({ getVisitorId: async () => session.visitorId }));
vi.mock("next/headers", () => ({
  cookies: async () => ({
    get: (name: string) => {
      const c = session.jar.get(name);
      return c ? { name, value: c.value } : undefined;
    },
    set: (name: string, value: string) => session.jar.set(name, { value }),
    delete: (name: string) => session.jar.delete(name),
  }),
  headers: async () => new Headers({ "x-forwarded-proto": "https" }),
}));

vi.stubEnv("DATA_DIR", tempDir("parley-handoff-routes-"));
vi.stubEnv("DATABASE_URL", "");
vi.stubEnv("AUTH_SECRET", "");
delete (globalThis as { __parleyAppDb?: unknown }).__parleyAppDb;

const visitorRoute = await import("@/app/(chat)/api/chats/[chatId]/handoff/route");
const staffRoute = await import("@/app/(staff)/api/agent/chats/[chatId]/handoff/route");
const staff = await import("@/lib/auth/staff");
const db = await import("@/lib/db");
const { handoffNeedOf, needOf } = await import("@/lib/staff/review");

const EMAIL = "private.visitor@example.com";
const ORIGIN = "http://parley.test";

afterAll(async () => {
  await (await db.getAppDb()).close();
  delete (globalThis as { __parleyAppDb?: unknown }).__parleyAppDb;
  vi.unstubAllEnvs();
});

let n = 0;
let chatId: string;
beforeEach(async () => {
  session.visitorId = "vis_owner";
  session.jar.clear();
  chatId = `cht_handoff${++n}`;
  const app = await db.getAppDb();
  await app.run("DELETE FROM rate_limits");
  await db.upsertChatByChatId({ db: app, chatId, ownerId: "vis_owner", title: "t", now: 1 });
});

const ctx = (id: string) => ({ params: Promise.resolve({ chatId: id }) });

function post(id: string, body: unknown, headers: Record<string, string> = {}) {
  return visitorRoute.POST(
    new Request(`${ORIGIN}/api/chats/${id}/handoff`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        host: "parley.test",
        origin: ORIGIN,
        ...headers,
      },
      body: JSON.stringify(body),
    }),
    ctx(id),
  );
}

const get = (id: string) =>
  visitorRoute.GET(new Request(`${ORIGIN}/api/chats/${id}/handoff`), ctx(id));

function put(id: string, body: unknown) {
  return staffRoute.PUT(
    new Request(`${ORIGIN}/api/agent/chats/${id}/handoff`, {
      method: "PUT",
      headers: { "content-type": "application/json", host: "parley.test", origin: ORIGIN },
      body: JSON.stringify(body),
    }),
    ctx(id),
  );
}

async function signedIn(role: Role) {
  const app = await db.getAppDb();
  const user = await db.createUser({
    db: app,
    email: `staff${++n}@example.com`,
    passwordHash: "not-used-here",
    role,
    now: Date.now(),
  });
  const token = randomBytes(32).toString("base64url");
  const now = Date.now();
  await db.createStaffSession({
    db: app,
    sessionHash: createHash("sha256").update(token).digest("hex"),
    userId: user.userId,
    now,
    expiresAt: now + 3_600_000,
  });
  session.jar.set(staff.STAFF_COOKIE, { value: token });
  return user;
}

describe("POST /api/chats/[chatId]/handoff (the visitor)", () => {
  it("creates the request and answers with its state, never the email", async () => {
    const created = await post(chatId, { email: ` ${EMAIL} `, message: "I need a refund." });
    expect(created.status).toBe(201);
    const text = await created.text();
    expect(text).not.toContain(EMAIL);
    expect(JSON.parse(text)).toEqual({
      handoff: { state: "open", requestedAt: expect.any(String), updatedAt: expect.any(String) },
    });
    const stored = await db.getHandoffByChatId({ db: await db.getAppDb(), chatId });
    expect(stored).toMatchObject({
      email: EMAIL,
      message: "I need a refund.",
      ownerId: "vis_owner",
    });

    const read = await get(chatId);
    expect(read.status).toBe(200);
    const readText = await read.text();
    expect(readText).not.toContain(EMAIL);
    expect(readText).not.toContain("I need a refund.");
    expect(JSON.parse(readText).handoff.state).toBe("open");

    // Asking again while it is open updates the same request: 200, still one.
    const again = await post(chatId, { email: "other@example.com", message: "Any news?" });
    expect(again.status).toBe(200);
    expect(await again.text()).not.toContain("other@example.com");
  });

  it("refuses a bad email or message with field errors in Vectara's error shape", async () => {
    const bad = await post(chatId, { email: "not-an-email", message: "" });
    expect(bad.status).toBe(400);
    const body = await bad.json();
    expect(body).toMatchObject({ code: "bad_request:chat", messages: [expect.any(String)] });
    expect(Object.keys(body.field_errors)).toEqual(
      expect.arrayContaining(["body.email", "body.message"]),
    );
    expect(body.field_errors["body.email"]).toMatch(/email address/);
    const long = await post(chatId, { email: EMAIL, message: "x".repeat(1001) });
    expect(long.status).toBe(400);
    expect((await long.json()).field_errors["body.message"]).toMatch(/1000/);
    expect(await db.getHandoffByChatId({ db: await db.getAppDb(), chatId })).toBeUndefined();
  });

  it("is a 404 in someone else's chat, in a chat that does not exist, and without a visitor", async () => {
    session.visitorId = "vis_stranger";
    expect((await post(chatId, { email: EMAIL, message: "hi" })).status).toBe(404);
    expect((await get(chatId)).status).toBe(404);
    session.visitorId = "vis_owner";
    expect((await post("cht_nothere", { email: EMAIL, message: "hi" })).status).toBe(404);
    expect((await post("not-a-chat", { email: EMAIL, message: "hi" })).status).toBe(404);
    session.visitorId = null;
    expect((await get(chatId)).status).toBe(404);
    expect(await db.getHandoffByChatId({ db: await db.getAppDb(), chatId })).toBeUndefined();
  });

  it("refuses a cross-site request and a visitor who asks too often", async () => {
    const cross = await post(
      chatId,
      { email: EMAIL, message: "hi" },
      { origin: "https://evil.test" },
    );
    expect(cross.status).toBe(403);
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      statuses.push((await post(chatId, { email: EMAIL, message: `try ${i}` })).status);
    }
    expect(statuses.slice(0, 5).every((s) => s === 200 || s === 201)).toBe(true);
    const limited = await post(chatId, { email: EMAIL, message: "again" });
    expect(limited.status).toBe(429);
    expect(await limited.text()).not.toContain(EMAIL);
  });

  it("has no way for the visitor to set the state", async () => {
    await post(chatId, { email: EMAIL, message: "hi" });
    // Extra keys are not a state change: the request stays open.
    await post(chatId, { email: EMAIL, message: "hi", state: "closed" });
    expect((await (await get(chatId)).json()).handoff.state).toBe("open");
    // The visitor's route answers PUT with 405, and the staff route needs a staff session.
    expect((await visitorRoute.PUT(new Request(`${ORIGIN}/x`, { method: "PUT" }))).status).toBe(
      405,
    );
    expect((await put(chatId, { state: "closed" })).status).toBe(401);
    expect((await (await get(chatId)).json()).handoff.state).toBe("open");
  });
});

describe("the log", () => {
  it("never holds the email or the message of a request or a state change", async () => {
    const log = captureLog();
    await post(chatId, { email: EMAIL, message: "secret words" });
    await signedIn("agent");
    await put(chatId, { state: "closed" });
    const text = JSON.stringify(log.lines());
    expect(text).toContain("handoff requested");
    expect(text).toContain("handoff state set");
    expect(text).not.toContain(EMAIL);
    expect(text).not.toContain("secret words");
  });
});

describe("PUT /api/agent/chats/[chatId]/handoff (staff)", () => {
  it("lets an agent set the state, which the visitor then reads", async () => {
    await post(chatId, { email: EMAIL, message: "hi" });
    const agent = await signedIn("agent");
    const res = await put(chatId, { state: "contacted" });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      state: "contacted",
      email: EMAIL,
      updatedBy: agent.email,
    });
    const visitorView = await (await get(chatId)).text();
    expect(JSON.parse(visitorView).handoff.state).toBe("contacted");
    expect(visitorView).not.toContain(EMAIL);
    expect(visitorView).not.toContain(agent.email);
  });

  it("refuses a bad state, and is a 404 for a chat without a handoff", async () => {
    await signedIn("agent");
    const bad = await put(chatId, { state: "done" });
    expect(bad.status).toBe(400);
    expect((await bad.json()).field_errors).toHaveProperty(["body.state"]);
    const none = await put(chatId, { state: "closed" });
    expect(none.status).toBe(404);
    expect((await none.json()).code).toBe("not_found:staff");
    expect((await put("not-a-chat", { state: "closed" })).status).toBe(404);
  });
});

describe("handoffNeedOf", () => {
  it("puts an open handoff above everything, a contacted one above escalation, a closed one nowhere", () => {
    const signals = {
      chatId: "c",
      ownerId: "v",
      title: "t",
      updatedAt: 1,
      lastActivityAt: 1,
      turns: 3,
      lowestFcs: 0.1,
      uncitedAnswers: 3,
      downvotes: 3,
      upvotes: 0,
      reported: 3,
      moderations: 2,
    };
    const worst = needOf(signals, {
      chatId: "c",
      status: "escalated",
      assigneeId: null,
      assigneeEmail: null,
      updatedBy: null,
      updatedAt: 0,
    });
    expect(handoffNeedOf("open")).toBeGreaterThan(worst);
    expect(handoffNeedOf("contacted")).toBeGreaterThan(worst);
    expect(handoffNeedOf("open")).toBeGreaterThan(handoffNeedOf("contacted"));
    expect(handoffNeedOf("closed")).toBe(0);
    expect(handoffNeedOf(undefined)).toBe(0);
  });
});
