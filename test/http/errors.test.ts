import { describe, expect, it } from "vitest";
import type { AppErrorCode } from "@/lib/http/errors";
import { AppError, parseErrorBody } from "@/lib/http/errors";

const CODES: Array<[AppErrorCode, number, boolean]> = [
  ["bad_request:chat", 400, false],
  ["forbidden:chat", 403, false],
  ["not_found:chat", 404, false],
  ["rate_limit:chat", 429, true],
  ["upstream:chat", 502, true],
  ["timeout:chat", 504, true],
  ["offline:chat", 503, true],
  ["stream:chat", 502, true],
  ["internal:chat", 500, true],
];

describe("AppError.toResponse", () => {
  it.each(CODES)("%s answers %i in Vectara's error shape", async (code, status, retryable) => {
    const response = new AppError(code, `Message for ${code}`).toResponse();
    expect(response.status).toBe(status);
    expect(response.headers.get("content-type")).toBe("application/json");
    expect(response.headers.get("retry-after")).toBeNull();
    const body = await response.json();
    expect(body).toEqual({
      messages: [`Message for ${code}`],
      request_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      code,
      retryable,
    });
    expect(body).not.toHaveProperty("retry_after");
  });

  it("adds retry_after and a Retry-After header for a rate limit", async () => {
    const response = new AppError("rate_limit:chat", "Busy.", { retryAfter: 7 }).toResponse();
    expect(response.status).toBe(429);
    expect(response.headers.get("retry-after")).toBe("7");
    const body = await response.json();
    expect(body.retry_after).toBe(7);
    expect(body.retryable).toBe(true);
  });

  it("includes field_errors when there are some", async () => {
    const error = new AppError("bad_request:chat", "Invalid.", {
      fieldErrors: { "body.message.parts": "a message has exactly one text part" },
    });
    const body = await error.toResponse().json();
    expect(body.field_errors).toEqual({
      "body.message.parts": "a message has exactly one text part",
    });
  });

  it("gives every response its own request id", async () => {
    const a = await new AppError("internal:chat", "x").toResponse().json();
    const b = await new AppError("internal:chat", "x").toResponse().json();
    expect(a.request_id).not.toBe(b.request_id);
  });
});

describe("AppError.fromResponseText", () => {
  it.each(CODES)("round-trips %s", async (code, _status, retryable) => {
    const sent = new AppError(code, `Something about ${code}.`, {
      ...(code === "rate_limit:chat" && { retryAfter: 12 }),
    });
    const received = AppError.fromResponseText(await sent.toResponse().text());
    expect(received).toBeInstanceOf(AppError);
    expect(received.code).toBe(code);
    expect(received.message).toBe(`Something about ${code}.`);
    expect(received.retryable).toBe(retryable);
    expect(received.retryAfter).toBe(code === "rate_limit:chat" ? 12 : undefined);
    expect(received.toPayload()).toEqual(sent.toPayload());
  });

  it.each([
    ["garbage", "not json at all"],
    ["an empty body", ""],
    ["an HTML error page", "<html><body><h1>502 Bad Gateway</h1></body></html>"],
    ["JSON null", "null"],
    ["a JSON string", '"oops"'],
    ["JSON without a code", JSON.stringify({ messages: ["Corpus not found"] })],
    ["an unknown code", JSON.stringify({ messages: ["x"], code: "teapot:chat" })],
    ["an inherited property as code", JSON.stringify({ messages: ["x"], code: "toString" })],
    ["messages that are not an array", JSON.stringify({ messages: "x", code: "stream:chat" })],
    ["no usable message", JSON.stringify({ messages: ["", 3], code: "stream:chat" })],
  ])("turns %s into a retryable offline error", (_, text) => {
    const error = AppError.fromResponseText(text);
    expect(error.code).toBe("offline:chat");
    expect(error.retryable).toBe(true);
    expect(error.message).toMatch(/could not be reached/);
    // Nothing from the unreadable body reaches the visitor.
    expect(error.message).not.toMatch(/Corpus|Bad Gateway|oops/);
  });
});

describe("parseErrorBody", () => {
  it("caps a long message at 500 characters", () => {
    const body = parseErrorBody(
      JSON.stringify({ messages: ["x".repeat(10_000)], code: "internal:chat" }),
    );
    expect(body?.message).toHaveLength(500);
  });

  it("takes the first non-empty string message", () => {
    expect(
      parseErrorBody(
        JSON.stringify({ messages: [null, "", "Real one", "Other"], code: "stream:chat" }),
      ),
    ).toEqual({ code: "stream:chat", message: "Real one" });
  });

  it.each([-1, "5", Number.NaN, null])("ignores a retry_after of %j", (retryAfter) => {
    const body = parseErrorBody(
      JSON.stringify({ messages: ["Busy"], code: "rate_limit:chat", retry_after: retryAfter }),
    );
    expect(body).toEqual({ code: "rate_limit:chat", message: "Busy" });
  });

  it("keeps a retry_after of 0", () => {
    expect(
      parseErrorBody(
        JSON.stringify({ messages: ["Busy"], code: "rate_limit:chat", retry_after: 0 }),
      ),
    ).toEqual({ code: "rate_limit:chat", message: "Busy", retryAfter: 0 });
  });
});
