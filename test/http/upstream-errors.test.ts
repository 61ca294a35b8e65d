import { describe, expect, it, vi } from "vitest";
import type { AppErrorCode } from "@/lib/http/errors";
import { AppError } from "@/lib/http/errors";
import {
  AbortError,
  ConnectionError,
  InvalidRequestError,
  makeAPIError,
  ProtocolError,
  StreamError,
  TimeoutError,
} from "@/lib/vectara";
import { captureLog } from "../support/log";

vi.mock("server-only", () => ({}));
const { toAppError } = await import("@/lib/http/upstream-errors");
const toChatError = (error: unknown, options: { midStream?: boolean } = {}) =>
  toAppError(error, { audience: "visitor", ...options });

/** A Vectara error body that names things a visitor must never see. */
const SECRET = "corpus secret_corpus not found for key zqt_SECRETKEY";
const apiError = (status: number, headers: Record<string, string> = {}) =>
  makeAPIError(
    status,
    { messages: [SECRET], request_id: "req_123", field_errors: { "body.x": "secret_field" } },
    new Headers(headers),
  );

const expectNoLeak = (error: AppError) => {
  expect(error.message).not.toMatch(/secret|SECRET|zqt_|req_123|Vectara/);
};

describe("toChatError", () => {
  it.each<[string, () => unknown, AppErrorCode]>([
    ["400", () => apiError(400), "bad_request:chat"],
    ["422", () => apiError(422), "bad_request:chat"],
    ["401", () => apiError(401), "upstream:chat"],
    ["403", () => apiError(403), "upstream:chat"],
    ["404", () => apiError(404), "not_found:chat"],
    ["409", () => apiError(409), "upstream:chat"],
    ["500", () => apiError(500), "upstream:chat"],
    ["503", () => apiError(503), "upstream:chat"],
    ["ConnectionError", () => new ConnectionError(`ECONNREFUSED ${SECRET}`), "upstream:chat"],
    ["TimeoutError", () => new TimeoutError(30_000), "timeout:chat"],
    ["StreamError", () => new StreamError([SECRET]), "stream:chat"],
    ["ProtocolError", () => new ProtocolError("truncated_stream", SECRET), "stream:chat"],
    [
      "InvalidRequestError",
      () => new InvalidRequestError({ "body.q": SECRET }),
      "bad_request:chat",
    ],
    ["AbortError", () => new AbortError(), "stream:chat"],
    ["a plain Error", () => new Error(SECRET), "internal:chat"],
    ["a thrown string", () => SECRET, "internal:chat"],
  ])("maps %s to %s, in Parley's own words", (_, make, code) => {
    const cause = make();
    const error = toChatError(cause);
    expect(error).toBeInstanceOf(AppError);
    expect(error.code).toBe(code);
    expect(error.cause).toBe(cause);
    expect(error.message.length).toBeGreaterThan(0);
    expectNoLeak(error);
    if (code !== "rate_limit:chat") expect(error.retryAfter).toBeUndefined();
  });

  it("says what each failure means to the visitor", () => {
    expect(toChatError(apiError(404)).message).toBe("This conversation no longer exists.");
    expect(toChatError(apiError(401)).message).toMatch(/credentials/);
    expect(toChatError(new TimeoutError(1)).message).toMatch(/too long/);
    expect(toChatError(new AbortError()).message).toBe("The answer was stopped.");
    expect(toChatError(new StreamError([])).message).toMatch(/interrupted/);
  });

  it("does not leak the upstream's 400 message (it can name corpora and keys)", () => {
    const cause = apiError(400);
    expect(cause.message).toContain("secret_corpus");
    const error = toChatError(cause);
    expect(error.message).not.toContain("secret_corpus");
    expect(JSON.stringify(error.toPayload())).not.toContain("secret_corpus");
  });

  describe("rate limits", () => {
    it.each([
      ["no Retry-After", {}, 5],
      ["Retry-After: 12", { "retry-after": "12" }, 12],
      ["Retry-After: 2.5", { "retry-after": "2.5" }, 3],
      ["Retry-After: 0", { "retry-after": "0" }, 1],
      ["retry-after-ms: 1500", { "retry-after-ms": "1500" }, 2],
      ["retry-after-ms: 10", { "retry-after-ms": "10" }, 1],
      ["an unreadable Retry-After", { "retry-after": "soon" }, 5],
    ])("429 with %s waits %i s", (_, headers, seconds) => {
      const error = toChatError(apiError(429, headers));
      expect(error.code).toBe("rate_limit:chat");
      expect(error.retryAfter).toBe(seconds);
      expect(error.retryable).toBe(true);
      expectNoLeak(error);
    });

    it("429 with an HTTP-date Retry-After waits until then, at least 1 s", () => {
      const future = new Date(Date.now() + 60_000).toUTCString();
      const later = toChatError(apiError(429, { "retry-after": future })).retryAfter ?? 0;
      expect(later).toBeGreaterThanOrEqual(55);
      expect(later).toBeLessThanOrEqual(60);
      const past = new Date(Date.now() - 60_000).toUTCString();
      expect(toChatError(apiError(429, { "retry-after": past })).retryAfter).toBe(1);
    });
  });

  describe("midStream", () => {
    it("turns a lost connection into an interrupted answer", () => {
      const error = toChatError(new ConnectionError("socket hang up"), { midStream: true });
      expect(error.code).toBe("stream:chat");
      expect(error.message).toMatch(/interrupted/);
    });

    it("leaves other errors as they are", () => {
      expect(toChatError(new TimeoutError(1), { midStream: true }).code).toBe("timeout:chat");
      expect(toChatError(apiError(500), { midStream: true }).code).toBe("upstream:chat");
      expect(toChatError(new Error("x"), { midStream: true }).code).toBe("internal:chat");
    });
  });

  it("passes an AppError through unchanged", () => {
    const original = new AppError("forbidden:chat", "Not yours.");
    expect(toChatError(original)).toBe(original);
    expect(toChatError(original, { midStream: true })).toBe(original);
  });
});

describe("toAppError for an agent", () => {
  const toAgent = (error: unknown) => toAppError(error, { audience: "agent" });

  it("keeps Vectara's words for a bad filter, the agent's own input", () => {
    const error = toAgent(
      makeAPIError(400, { messages: ["invalid regex near '('"] }, new Headers()),
    );
    expect(error.code).toBe("bad_request:staff");
    expect(error.message).toContain("invalid regex near '('");
  });

  it("says everything else in the visitor's words, with :staff codes, and logs it", () => {
    const log = captureLog();
    expect(toAgent(apiError(404))).toMatchObject({
      code: "not_found:staff",
      message: "This conversation no longer exists.",
    });
    const down = toAgent(apiError(503));
    expect(down.code).toBe("upstream:staff");
    expectNoLeak(down);
    expect(toAgent(apiError(429)).retryAfter).toBeUndefined();
    expect(log.problems()).toHaveLength(2);
  });
});

describe("toAppError for an admin", () => {
  const toAdmin = (error: unknown) => toAppError(error, { audience: "admin" });
  const api = (status: number, messages: string[]) =>
    makeAPIError(status, { messages }, new Headers());

  it.each([
    [400, "bad_request:staff"],
    [413, "bad_request:staff"],
    [415, "bad_request:staff"],
    [404, "not_found:staff"],
    [409, "conflict:staff"],
    [401, "upstream:staff"],
    [500, "upstream:staff"],
  ] as const)("maps %i to %s, in Vectara's words", (status, code) => {
    const error = toAdmin(api(status, [`engine says ${status}`]));
    expect(error.code).toBe(code);
    if (status !== 500) expect(error.message).toContain(`engine says ${status}`);
  });

  it("keeps a 400's field errors and a 429's wait", () => {
    const bad = makeAPIError(400, { field_errors: { "body.id": "too long" } }, new Headers());
    expect(toAdmin(bad)).toMatchObject({
      message: "body.id: too long",
      fieldErrors: { "body.id": "too long" },
    });
    const busy = makeAPIError(429, {}, new Headers({ "retry-after": "7" }));
    expect(toAdmin(busy)).toMatchObject({ code: "upstream:staff", retryAfter: 7 });
  });

  it("keeps an AppError as it is", () => {
    const original = new AppError("forbidden:staff", "no");
    expect(toAdmin(original)).toBe(original);
  });

  it("recognises an error thrown by another copy of lib/vectara (another Next bundle)", async () => {
    vi.resetModules();
    const copy = await import("@/lib/vectara/errors");
    const conflict = copy.makeAPIError(
      409,
      { messages: ["A document with id 'x' already exists"] },
      new Headers(),
    );
    expect(toAdmin(conflict)).toMatchObject({
      code: "conflict:staff",
      message: "A document with id 'x' already exists",
    });
  });
});
