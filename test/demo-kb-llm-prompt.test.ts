import type { ServerResponse } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildChatRequest } from "@/lib/chat/request";
import type { Engine } from "@/lib/engine";
import { createLlm } from "@/lib/engine/providers/llm";
import type { VectaraClient } from "@/lib/vectara";
import { openDemoKbEngine } from "./support/demo-kb-engine";
import { startServer } from "./support/http-server";

/**
 * With an LLM configured, what the model is given must hold the answer: the demo KB's
 * questions (issue 12) are asked through a real OpenAI-compatible HTTP server started
 * here (the test double for a model we cannot run), and each prompt it receives must
 * carry the passage with the sentence that answers. The server answers the rephrasing
 * call as a model would, with a standalone question, and every answer with "See [1]."
 */

interface Received {
  stream: boolean;
  text: string;
}

let server: Awaited<ReturnType<typeof startServer>>;
const received: Received[] = [];
let engine: Engine;
let client: VectaraClient;

function reply(res: ServerResponse, model: string, stream: boolean, content: string) {
  const base = { id: "c", created: 0, model };
  if (!stream) {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(
      JSON.stringify({
        ...base,
        object: "chat.completion",
        choices: [{ index: 0, message: { role: "assistant", content }, finish_reason: "stop" }],
        usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
      }),
    );
    return;
  }
  res.writeHead(200, { "content-type": "text/event-stream" });
  const chunk = (choice: unknown) =>
    `data: ${JSON.stringify({ ...base, object: "chat.completion.chunk", choices: [choice] })}\n\n`;
  res.write(chunk({ index: 0, delta: { role: "assistant", content } }));
  res.write(chunk({ index: 0, delta: {}, finish_reason: "stop" }));
  res.end("data: [DONE]\n\n");
}

beforeAll(async () => {
  server = await startServer((_req, res, got) => {
    const body = JSON.parse(got.body) as {
      model: string;
      stream?: boolean;
      messages: Array<{ content: string }>;
    };
    const text = body.messages.map((m) => m.content).join("\n");
    received.push({ stream: body.stream === true, text });
    // The rephrasing call: a model would name what "it" is.
    if (body.stream !== true)
      return reply(res, body.model, false, "How long is the reset link valid?");
    return reply(res, body.model, true, "See [1].");
  });
  let summary: Awaited<ReturnType<typeof openDemoKbEngine>>["summary"];
  ({ engine, client, summary } = await openDemoKbEngine(true, {
    llm: createLlm({ baseURL: `${server.url}/v1`, model: "stub", maxRetries: 0 }),
  }));
  expect(summary.failed).toEqual([]);
});

afterAll(async () => {
  engine.close();
  await server.close();
});

const request = (query: string) => buildChatRequest({ query, corpusKey: "support_kb" });
const lastPrompt = () => received.filter((r) => r.stream).at(-1)?.text ?? "";

describe("the prompt an LLM receives carries the passages that answer", () => {
  it.each([
    ["Can I get a refund on my yearly plan?", "full refund within 30 days"],
    ["can I get my money back?", "full refund within 30 days"],
    ["I cant remember my password, how do I get back into my account?", "Forgot password?"],
    ["how much is the team plan?", "$29 per month"],
    [
      "My monitor says my site is down but it loads fine for me",
      "Beacon checks your site from several regions",
    ],
    ["pasword reset", "Forgot password?"],
  ])("%s → the prompt holds “%s”", async (question, gold) => {
    const answer = await client.chats.create(request(question));
    expect(answer.answer).toBe("See [1].");
    expect(lastPrompt()).toContain(gold);
    expect(lastPrompt()).toContain(question);
  });

  it("a follow-up, rephrased by the model, brings the passage that answers it", async () => {
    const first = await client.chats.create(
      request("I cant remember my password, how do I get back into my account?"),
    );
    const turn = await client.turns.create(
      first.chatId as string,
      request("and how long is it valid?"),
    );
    expect(turn.rephrasedQuery).toBe("How long is the reset link valid?");
    const rephrasing = received.filter((r) => !r.stream).at(-1)?.text ?? "";
    expect(rephrasing).toContain("and how long is it valid?");
    expect(lastPrompt()).toContain(
      "The reset link **expires after 30 minutes**".replace(/\*\*/g, ""),
    );
  });
});
