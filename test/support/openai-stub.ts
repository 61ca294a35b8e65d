import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * An OpenAI-compatible `/v1/chat/completions` for the engine's LLM tests: a real HTTP
 * server that answers `tokens` (whole, or streamed as server-sent events), records each
 * request, and can fail (`status`), answer late (`delayMs`) or cut a stream (`dropAfter`).
 * `behaviour` can be changed between requests.
 */
export interface OpenAiBehaviour {
  tokens: string[];
  status?: number;
  delayMs?: number;
  /** Cut the stream before this token. */
  dropAfter?: number;
}

export interface OpenAiRequest {
  messages: Array<{ role: string; content: string }>;
  stream?: boolean;
  model: string;
}

export interface OpenAiStub {
  /** The base URL to give the LLM provider (`…/v1`). */
  url: string;
  behaviour: OpenAiBehaviour;
  requests: OpenAiRequest[];
  close(): Promise<void>;
}

export async function startOpenAiStub(behaviour: OpenAiBehaviour): Promise<OpenAiStub> {
  const stub: OpenAiStub = { url: "", behaviour, requests: [], close: async () => {} };
  const server: Server = createServer(async (req, res) => {
    let body = "";
    for await (const chunk of req) body += chunk;
    const request = JSON.parse(body) as OpenAiRequest;
    stub.requests.push(request);
    const b = stub.behaviour;
    if (b.delayMs) await new Promise((r) => setTimeout(r, b.delayMs));
    if (res.destroyed) return;
    if (b.status) {
      res.writeHead(b.status, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { message: "model overloaded", type: "server_error" } }));
      return;
    }
    const base = { id: "chatcmpl-1", created: 0, model: request.model };
    if (!request.stream) {
      res.writeHead(200, { "content-type": "application/json" });
      const message = { role: "assistant", content: b.tokens.join("") };
      res.end(
        JSON.stringify({
          ...base,
          object: "chat.completion",
          choices: [{ index: 0, message, finish_reason: "stop" }],
          usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
        }),
      );
      return;
    }
    res.writeHead(200, { "content-type": "text/event-stream" });
    const send = (choice: unknown) =>
      res.write(
        `data: ${JSON.stringify({ ...base, object: "chat.completion.chunk", choices: [choice] })}\n\n`,
      );
    for (const [i, t] of b.tokens.entries()) {
      if (i === b.dropAfter) {
        await new Promise((r) => setTimeout(r, 20));
        res.destroy();
        return;
      }
      send({ index: 0, delta: { content: t }, finish_reason: null });
    }
    send({ index: 0, delta: {}, finish_reason: "stop" });
    res.end("data: [DONE]\n\n");
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  stub.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  stub.close = async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  };
  return stub;
}
