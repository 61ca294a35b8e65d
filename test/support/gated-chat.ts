import { ENGINE_ROUTES } from "@/lib/engine";
import { Router } from "@/lib/engine/http/router";
import { createHandler } from "@/lib/engine/http/server";
import type { GenerateFn } from "@/lib/engine/ports";
import { createVectaraClient } from "@/lib/vectara";
import { makeEngine } from "./engine";
import { seedSmallKb } from "./small-kb";

/**
 * The chat route on a real engine whose answers wait at a gate before their first word,
 * so a test can act "before the answer" as an order, not a time (test/chat/ownership.test.ts,
 * test/chat/resume.test.ts). The route itself is the test's import: the test file mocks the
 * visitor and the client first.
 */

/** A gate the generator waits at before its first word; `open()` lets it go on. */
export function gate() {
  let open = () => {};
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { open, opened };
}

/** An answer that cites the first result, held at `held` before its first word. */
export function gatedGenerator(held: Promise<void>): GenerateFn {
  return async function* (request) {
    yield { type: "info", rendered_prompt: "[]" };
    await Promise.race([
      held,
      new Promise((resolve) => request.signal.addEventListener("abort", resolve)),
    ]);
    for (const text of ["Yearly plans are refunded ", "within 30 days [1]."]) {
      if (request.signal.aborted) return;
      yield { type: "chunk", text };
    }
    yield { type: "factual_consistency_score", score: 0.8 };
  };
}

/** The small KB on an engine whose answers wait at the gate, and a client that talks to it. */
export async function gatedEngine() {
  const fixture = makeEngine();
  await seedSmallKb(fixture.client);
  const held = gate();
  const handle = createHandler(new Router().add(ENGINE_ROUTES), fixture.engine.db, {
    log: () => undefined,
    generate: gatedGenerator(held.opened),
  });
  const client = createVectaraClient({
    baseUrl: "http://parley.local",
    fetch: handle,
    auth: { type: "api_key", apiKey: fixture.engine.apiKey },
    maxRetries: 0,
  });
  return { ...fixture, client, release: held.open };
}

export const QUESTION = "How long do I have to get a refund on a yearly plan?";

/** The visitor's POST to the chat route (`post`, the route's handler) asking `query`. */
export function askWith(
  post: (request: Request) => Promise<Response>,
  query: string,
  chatId: string | null = null,
  signal?: AbortSignal,
) {
  return post(
    new Request("http://parley.local/api/chat", {
      method: "POST",
      headers: { "content-type": "application/json", "x-forwarded-for": "203.0.113.9" },
      body: JSON.stringify({
        chatId,
        message: { id: "m1", role: "user", parts: [{ type: "text", text: query }] },
      }),
      signal,
    }),
  );
}

export type Part = { type: string; data?: { chatId?: string; turnId?: string }; delta?: string };

/** Reads the UI message stream's `data:` parts until `until` holds for one (or it ends). */
export function partsReader(response: Response) {
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  const parts: Part[] = [];
  let buffer = "";
  return {
    parts,
    async until(done: (p: Part) => boolean): Promise<Part | undefined> {
      for (;;) {
        const lines = buffer.split("\n");
        buffer = lines.pop() ?? "";
        for (const line of lines) {
          if (!line.startsWith("data: ") || line === "data: [DONE]") continue;
          const part = JSON.parse(line.slice(6)) as Part;
          parts.push(part);
          if (done(part)) return part;
        }
        const { value, done: ended } = await reader.read();
        if (ended) return undefined;
        buffer += decoder.decode(value, { stream: true });
      }
    },
    cancel: () => reader.cancel(),
  };
}
