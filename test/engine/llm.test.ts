import { afterEach, describe, expect, it } from "vitest";
import { createGenerator } from "@/lib/engine/generation";
import { createLlm } from "@/lib/engine/providers/llm";
import { makeEngine } from "../support/engine";
import { type OpenAiBehaviour, type OpenAiStub, startOpenAiStub } from "../support/openai-stub";
import { coreDoc, rawRequest, seedCorpus } from "../support/search";

type Behaviour = OpenAiBehaviour;

const stubs: OpenAiStub[] = [];
afterEach(async () => {
  for (const s of stubs.splice(0)) await s.close();
});

async function startStub(behaviour: Behaviour): Promise<OpenAiStub> {
  const stub = await startOpenAiStub(behaviour);
  stubs.push(stub);
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
