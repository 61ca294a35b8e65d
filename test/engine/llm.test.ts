import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createGenerator } from "@/lib/engine/generation";
import { createLlm } from "@/lib/engine/providers/llm";
import { makeEngine } from "../support/engine";
import { coreDoc, rawRequest, seedCorpus } from "../support/search";

/**
 * An OpenAI-compatible `/v1/chat/completions` endpoint on 127.0.0.1:0: streams
 * `tokens` as SSE chunks (or answers JSON when not streaming), fails with
 * `status`, or waits `delayMs` before answering.
 */
interface Behaviour {
  tokens: string[];
  status?: number;
  delayMs?: number;
  /** Cut the connection after this many streamed tokens. */
  dropAfter?: number;
}
interface Stub {
  url: string;
  behaviour: Behaviour;
  requests: Array<{
    messages: Array<{ role: string; content: string }>;
    stream?: boolean;
    model: string;
  }>;
}

const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

async function startStub(behaviour: Behaviour): Promise<Stub> {
  const stub: Stub = { url: "", behaviour, requests: [] };
  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    let body = "";
    for await (const chunk of req) body += chunk;
    const request = JSON.parse(body) as Stub["requests"][number];
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
      res.end(
        JSON.stringify({
          ...base,
          object: "chat.completion",
          choices: [
            {
              index: 0,
              message: { role: "assistant", content: b.tokens.join("") },
              finish_reason: "stop",
            },
          ],
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
  servers.push(server);
  stub.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  return stub;
}

async function engineWith(behaviour: Behaviour) {
  const stub = await startStub(behaviour);
  const llm = createLlm({ baseURL: stub.url, model: "stub-model", maxRetries: 0 });
  const fixture = makeEngine({ llm });
  await seedCorpus(fixture.client, "kb", [
    coreDoc("refunds", ["Refunds are issued within five business days to the original card."], {
      title: "Refunds",
    }),
  ]);
  return { ...fixture, stub };
}

const TOKENS = ["Refunds ", "take five ", "business days ", "[", "1", "]", "."];

function events(text: string): Array<Record<string, unknown>> {
  return text
    .split("\n\n")
    .filter((b) => b.trim())
    .map((b) => JSON.parse(b.split("\n")[1]?.slice(5) ?? "{}") as Record<string, unknown>);
}

describe("the LLM generator", () => {
  it("streams the model's tokens for the rendered prompt, restyling its citations", async () => {
    const { engine, stub } = await engineWith({ tokens: TOKENS });
    const res = await rawRequest(engine, "POST", "/v2/corpora/kb/query", {
      query: "How long do refunds take?",
      stream_response: true,
      generation: {
        citations: {
          style: "markdown",
          url_pattern: "https://help.example/{doc.id}",
          text_pattern: "{doc.title}",
        },
        model_parameters: { temperature: 0.2, max_tokens: 100 },
      },
    });
    expect(res.status).toBe(200);
    const evs = events(res.text);
    const chunks = evs.filter((e) => e.type === "generation_chunk").map((e) => e.generation_chunk);
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.join("")).toBe(
      "Refunds take five business days [Refunds](https://help.example/refunds).",
    );
    const info = evs.find((e) => e.type === "generation_info") as { rendered_prompt: string };
    const sent = stub.requests[0];
    expect(sent?.stream).toBe(true);
    expect(sent?.model).toBe("stub-model");
    expect(sent?.messages).toEqual(JSON.parse(info.rendered_prompt));
    expect(sent?.messages.at(-1)?.content).toContain(
      "[1] Refunds are issued within five business days to the original card.",
    );
    const fcs = evs.find((e) => e.type === "factual_consistency_score");
    expect(fcs?.factual_consistency_score).toBeGreaterThan(0.5);
    expect(evs.at(-1)?.type).toBe("end");
  });

  it("answers JSON queries with the full summary, and the extractive preset still works", async () => {
    const { engine, stub } = await engineWith({ tokens: TOKENS });
    const res = await rawRequest(engine, "POST", "/v2/corpora/kb/query", {
      query: "refunds",
      generation: {},
    });
    expect(res.json.summary).toBe("Refunds take five business days [1].");
    const extractive = await rawRequest(engine, "POST", "/v2/corpora/kb/query", {
      query: "refunds",
      generation: { generation_preset_name: "parley-extractive" },
    });
    expect(extractive.json.summary).toBe(
      "Refunds are issued within five business days to the original card [1].",
    );
    expect(stub.requests).toHaveLength(1);
    const presets = await rawRequest(
      engine,
      "GET",
      "/v2/generation_presets?llm_name=stub-model&limit=100",
    );
    const list = presets.json.generation_presets as Array<{ name: string; default: boolean }>;
    expect(list.find((p) => p.default)?.name).toBe("parley-llm");
    expect(list.map((p) => p.name)).toContain("mockingbird-2.0");
  });

  it("turns a provider error into a 502 before streaming and an error event after", async () => {
    const { engine } = await engineWith({ tokens: [], status: 500 });
    const res = await rawRequest(engine, "POST", "/v2/corpora/kb/query", {
      query: "refunds",
      generation: {},
    });
    expect(res.status).toBe(502);
    expect(res.json).toEqual({
      messages: ["The language model endpoint answered 500"],
      request_id: expect.any(String),
    });
    const streamed = await rawRequest(engine, "POST", "/v2/corpora/kb/query", {
      query: "refunds",
      generation: {},
      stream_response: true,
    });
    expect(events(streamed.text).map((e) => e.type)).toEqual(["search_results", "error", "end"]);
  });

  it("ends a stream that breaks mid-answer with an error event after the chunks already sent", async () => {
    const { engine } = await engineWith({ tokens: TOKENS, dropAfter: 3 });
    const res = await rawRequest(engine, "POST", "/v2/corpora/kb/query", {
      query: "refunds",
      generation: {},
      stream_response: true,
    });
    const evs = events(res.text);
    const types = evs.map((e) => e.type);
    expect(types[0]).toBe("search_results");
    expect(types.slice(-2)).toEqual(["error", "end"]);
    expect(types).toContain("generation_chunk");
    expect(types).not.toContain("factual_consistency_score");
    expect(evs.at(-2)?.messages).toEqual([expect.stringMatching(/^The language model endpoint/)]);
  });

  it("gives up on a slow model at Request-Timeout-Millis with a 408", async () => {
    const { engine, stub } = await engineWith({ tokens: TOKENS, delayMs: 5_000 });
    const res = await rawRequest(
      engine,
      "POST",
      "/v2/corpora/kb/query",
      { query: "refunds", generation: {} },
      { "request-timeout-millis": "300" },
    );
    expect(res.status).toBe(408);
    expect(res.json.messages).toEqual(["The request did not finish within its timeout"]);
    expect(stub.requests).toHaveLength(1);
  });

  it("reports its own timeout as a 504", async () => {
    const stub = await startStub({ tokens: TOKENS, delayMs: 5_000 });
    const llm = createLlm({ baseURL: stub.url, model: "m", maxRetries: 0, timeoutMs: 200 });
    const run = async () => {
      for await (const _ of llm.stream([{ role: "user", content: "hi" }], {
        signal: new AbortController().signal,
      }));
    };
    await expect(run()).rejects.toMatchObject({ status: 504 });
  });

  it("rephrases a follow-up with the model, and keeps a first question as is", async () => {
    const stub = await startStub({ tokens: ['"How long do refunds for annual plans take?"'] });
    const { rephrase } = createGenerator({
      llm: createLlm({ baseURL: stub.url, model: "m", maxRetries: 0 }),
    });
    const signal = new AbortController().signal;
    const history = [
      { query: "Tell me about annual plans", answer: "Annual plans renew yearly [1]." },
    ];
    expect(await rephrase?.({ query: "and refunds?", history, signal })).toBe(
      "How long do refunds for annual plans take?",
    );
    expect(stub.requests[0]?.stream).toBeFalsy();
    expect(stub.requests[0]?.messages.at(-1)?.content).toContain("Tell me about annual plans");
    expect(await rephrase?.({ query: "first question", history: [], signal })).toBe(
      "first question",
    );
    expect(stub.requests).toHaveLength(1);
    expect(createGenerator().rephrase).toBeUndefined();
  });

  it("extracts a metadata filter for intelligent_query_rewriting, and warns when it cannot", async () => {
    const stub = await startStub({
      tokens: ['{"query": "refund policy", "metadata_filter": "doc.region = \'EU\'"}'],
    });
    const fixture = makeEngine({
      llm: createLlm({ baseURL: stub.url, model: "m", maxRetries: 0 }),
    });
    await seedCorpus(
      fixture.client,
      "kb",
      [
        coreDoc("eu", ["Refund policy: refunds within 14 days."], { region: "EU" }),
        coreDoc("us", ["Refund policy: refunds within 30 days."], { region: "US" }),
      ],
      { filter_attributes: [{ name: "region", level: "document", type: "text" }] },
    );
    const res = await rawRequest(fixture.engine, "POST", "/v2/query", {
      query: "What is the refund policy in the EU?",
      search: { corpora: [{ corpus_key: "kb" }] },
      intelligent_query_rewriting: true,
    });
    expect(res.status).toBe(200);
    expect(res.json.rewritten_queries).toEqual([
      {
        corpus_key: "kb",
        filter_extraction: { query: "refund policy", metadata_filter: "doc.region = 'EU'" },
      },
    ]);
    expect(res.json.warnings).toBeUndefined();
    expect(
      (res.json.search_results as Array<{ document_id: string }>).map((r) => r.document_id),
    ).toEqual(["eu"]);
    expect(stub.requests[0]?.messages[0]?.content).toContain("doc.region (text)");

    stub.behaviour.tokens = ['{"query": "refund policy", "metadata_filter": "doc.planet = 1"}'];
    const bad = await rawRequest(fixture.engine, "POST", "/v2/query", {
      query: "refund policy on Mars",
      search: { corpora: [{ corpus_key: "kb" }] },
      intelligent_query_rewriting: true,
    });
    expect(bad.status).toBe(200);
    expect(bad.json.warnings).toEqual(["intelligent_query_rewriting_failed"]);
    expect((bad.json.search_results as unknown[]).length).toBe(2);
  });
});
