import { notFound } from "next/navigation";
import { describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { AppError } from "@/lib/http/errors";
import { makeAPIError } from "@/lib/vectara";
import { captureLog } from "../support/log";

vi.mock("server-only", () => ({}));
const { readParams, route } = await import("@/lib/http/route");

const request = new Request("http://parley.test/api/x", { method: "POST" });
const body = async (response: Response) => (await response.json()) as Record<string, unknown>;

describe("route(): one catch for every route handler", () => {
  it("answers an app-DB failure in Vectara's error shape, logged once, never Next's bare 500", async () => {
    const log = captureLog();
    const handler = route("visitor", async () => {
      throw new Error("SQLITE_BUSY: database is locked");
    });
    const response = await handler(request);
    expect(response.status).toBe(500);
    const json = await body(response);
    expect(json).toMatchObject({ code: "internal:chat", retryable: true });
    expect(json.messages).toEqual(["Something went wrong on Parley's side."]);
    expect(typeof json.request_id).toBe("string");
    expect(JSON.stringify(json)).not.toContain("SQLITE_BUSY");
    expect(log.problems()).toHaveLength(1);
    expect(log.text()).not.toContain("/api/x?");
  });

  it("says a Vectara failure to the route's audience", async () => {
    const conflict = () => {
      throw makeAPIError(409, { messages: ["document 'x' already exists"] }, new Headers());
    };
    const admin = await route("admin", async () => conflict())(request);
    expect(admin.status).toBe(409);
    expect(await body(admin)).toMatchObject({
      code: "conflict:staff",
      messages: ["document 'x' already exists"],
    });
    const visitor = await route("visitor", async () => conflict())(request);
    expect(visitor.status).toBe(502);
    expect(JSON.stringify(await body(visitor))).not.toContain("already exists");
  });

  it("answers a thrown AppError as it is, and passes the handler's own response through", async () => {
    const refused = await route("agent", async () => {
      throw new AppError("forbidden:staff", "Not for you.");
    })(request);
    expect(refused.status).toBe(403);
    expect(await body(refused)).toMatchObject({
      code: "forbidden:staff",
      messages: ["Not for you."],
    });
    const ok = await route("agent", async () => new Response(null, { status: 204 }))(request);
    expect(ok.status).toBe(204);
  });

  it("lets Next's own control flow through (notFound)", async () => {
    const handler = route("visitor", async () => notFound());
    await expect(handler(request)).rejects.toThrow();
  });
});

describe("readParams", () => {
  const schema = z.object({ chatId: z.string().startsWith("cht_") });
  const gone = () => new AppError("not_found:chat", "No such chat.");

  it("parses the path's segments", async () => {
    const read = await readParams({ params: Promise.resolve({ chatId: "cht_1" }) }, schema, gone);
    expect(read).toEqual({ ok: true, data: { chatId: "cht_1" } });
  });

  it("makes a malformed segment the route's own error", async () => {
    const read = await readParams({ params: Promise.resolve({ chatId: "x" }) }, schema, gone);
    expect(read.ok).toBe(false);
    if (!read.ok) expect(read.error.code).toBe("not_found:chat");
    expect((await readParams(undefined, schema, gone)).ok).toBe(false);
  });
});
