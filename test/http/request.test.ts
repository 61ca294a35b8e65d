import { describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { postChatBodySchema } from "@/app/(chat)/api/chat/schema";

vi.mock("server-only", () => ({}));
/** TRUSTED_PROXY_HOPS as checkSameOrigin sees it; the rest of the config is the default. */
const hops = vi.hoisted(() => ({ value: 0 }));
vi.mock("@/lib/config", async (importOriginal) => {
  const actual = await importOriginal<typeof import("@/lib/config")>();
  return {
    ...actual,
    getConfig: () => ({ ...actual.loadConfig({}), trustedProxyHops: hops.value }),
  };
});
const { checkSameOrigin, readJsonBody } = await import("@/lib/http/request");

const post = (body: BodyInit, headers: Record<string, string> = {}) =>
  new Request("http://parley.local/api/chat", { method: "POST", body, headers });

/** A body whose length the request does not know in advance (no content-length). */
const streamed = (text: string) =>
  new Request("http://parley.local/api/chat", {
    method: "POST",
    body: new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(text));
        controller.close();
      },
    }),
    duplex: "half",
  } as RequestInit);

const small = z.object({ name: z.string(), tags: z.array(z.string()).optional() });

async function failure(request: Request, schema: z.ZodType<unknown> = small, maxBytes?: number) {
  const result = await readJsonBody(request, schema, { maxBytes });
  if (result.ok) throw new Error(`expected a failure, got ${JSON.stringify(result.data)}`);
  return result.error;
}

describe("readJsonBody", () => {
  it("parses a valid body with the schema", async () => {
    const result = await readJsonBody(post(JSON.stringify({ name: "Ada", extra: 1 })), small);
    expect(result).toEqual({ ok: true, data: { name: "Ada" } });
  });

  it("answers invalid JSON with a 400 that says so", async () => {
    const error = await failure(post("{not json"));
    expect(error.code).toBe("bad_request:chat");
    expect(error.status).toBe(400);
    expect(error.message).toBe("The request body is not valid JSON.");
    expect((await error.toResponse().json()).messages).toEqual([
      "The request body is not valid JSON.",
    ]);
  });

  it("answers an empty body as invalid JSON", async () => {
    expect((await failure(post(""))).message).toMatch(/not valid JSON/);
  });

  it("refuses a body whose content-length is over the limit, without reading it", async () => {
    const request = post(JSON.stringify({ name: "x" }), { "content-length": "2000" });
    const text = vi.spyOn(request, "text");
    const error = await failure(request, small, 1000);
    expect(error.status).toBe(400);
    expect(error.message).toMatch(/larger than 1000 bytes/);
    expect(text).not.toHaveBeenCalled();
  });

  it("refuses a body that is over the limit without a content-length", async () => {
    const request = streamed(JSON.stringify({ name: "x".repeat(2000) }));
    expect(request.headers.get("content-length")).toBeNull();
    const error = await failure(request, small, 1000);
    expect(error.code).toBe("bad_request:chat");
    expect(error.message).toMatch(/larger than 1000 bytes/);
  });

  it("counts bytes, not characters", async () => {
    // 400 three-byte characters: 400 characters, 1200 bytes.
    const error = await failure(streamed(JSON.stringify({ name: "€".repeat(400) })), small, 1000);
    expect(error.message).toMatch(/larger than 1000 bytes/);
    const ok = await readJsonBody(streamed(JSON.stringify({ name: "e".repeat(400) })), small, {
      maxBytes: 1000,
    });
    expect(ok.ok).toBe(true);
  });

  it("uses a 64 KiB limit by default", async () => {
    const error = await failure(streamed(JSON.stringify({ name: "x".repeat(70_000) })));
    expect(error.message).toMatch(/larger than 65536 bytes/);
  });

  it("keys schema errors by body path, first one in the message", async () => {
    const error = await failure(post(JSON.stringify({ name: 3, tags: ["a", 4] })));
    expect(error.status).toBe(400);
    expect(Object.keys(error.fieldErrors ?? {})).toEqual(["body.name", "body.tags.1"]);
    expect(error.message).toMatch(/^Invalid request: body\.name: /);
    const body = await error.toResponse().json();
    expect(Object.keys(body.field_errors)).toEqual(["body.name", "body.tags.1"]);
  });
});

describe("readJsonBody with the chat route's schema", () => {
  const message = (parts: unknown, extra: Record<string, unknown> = {}) => ({
    chatId: null,
    message: { id: "msg_1", role: "user", parts, ...extra },
  });
  const text = (t: string) => [{ type: "text", text: t }];
  const read = (body: unknown) => readJsonBody(post(JSON.stringify(body)), postChatBodySchema);

  it("accepts a new chat's first question, trimmed", async () => {
    const result = await read(message(text("  How do refunds work?  ")));
    expect(result.ok && result.data.message.parts[0]?.text).toBe("How do refunds work?");
  });

  it("accepts a question for an existing chat, up to 4000 characters", async () => {
    const result = await read({ ...message(text("q".repeat(4000))), chatId: "cht_abc-123_X" });
    expect(result.ok).toBe(true);
  });

  it.each([
    ["an empty question", message(text("")), "body.message.parts.0.text", /cannot be empty/],
    [
      "a whitespace-only question",
      message(text(" \n\t ")),
      "body.message.parts.0.text",
      /cannot be empty/,
    ],
    [
      "4001 characters",
      message(text("q".repeat(4001))),
      "body.message.parts.0.text",
      /at most 4000/,
    ],
    ["an assistant message", message(text("hi"), { role: "assistant" }), "body.message.role", /./],
    [
      "two text parts",
      message([...text("one"), ...text("two")]),
      "body.message.parts",
      /exactly one text part/,
    ],
    ["no parts", message([]), "body.message.parts", /exactly one text part/],
    [
      "a non-text part",
      message([{ type: "file", url: "https://x.example/a.png" }]),
      "body.message.parts.0.type",
      /./,
    ],
    [
      "a path-like chat id",
      { ...message(text("hi")), chatId: "cht_../../x" },
      "body.chatId",
      /chat id looks like/,
    ],
    [
      "a chat id of the wrong kind",
      { ...message(text("hi")), chatId: "trn_1" },
      "body.chatId",
      /./,
    ],
    ["a missing chat id", { message: message(text("hi")).message }, "body.chatId", /./],
  ])("rejects %s", async (_, body, key, pattern) => {
    const result = await read(body);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.status).toBe(400);
    expect(result.error.fieldErrors?.[key]).toMatch(pattern);
  });
});

describe("checkSameOrigin", () => {
  const request = (headers: Record<string, string>) =>
    new Request("http://parley.local/api/chat", { method: "POST", headers });

  it("accepts the same host and refuses another", () => {
    const same = request({ host: "parley.local", origin: "http://parley.local" });
    expect(checkSameOrigin(same)).toBeUndefined();
    const cross = request({ host: "parley.local", origin: "https://evil.example" });
    expect(checkSameOrigin(cross)?.code).toBe("forbidden:chat");
    // No Origin: not a browser's cross-site request.
    expect(checkSameOrigin(request({ host: "parley.local" }))).toBeUndefined();
  });

  it("reads X-Forwarded-Host only behind trusted proxies", () => {
    const forged = request({
      host: "parley.local",
      origin: "https://evil.example",
      "x-forwarded-host": "evil.example",
    });
    const proxied = request({
      host: "10.0.0.5:3000",
      origin: "https://support.example",
      "x-forwarded-host": "support.example",
    });
    try {
      hops.value = 0;
      expect(checkSameOrigin(forged)?.code).toBe("forbidden:chat");
      hops.value = 1;
      expect(checkSameOrigin(proxied)).toBeUndefined();
    } finally {
      hops.value = 0;
    }
  });
});
