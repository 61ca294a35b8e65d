import { afterEach, describe, expect, it } from "vitest";
import type { Engine } from "@/lib/engine";
import { extractiveSummary } from "@/lib/engine/core/generation/summary";
import { createLlm } from "@/lib/engine/providers/llm";
import { MAX_SUMMARY_CHARS } from "@/lib/engine/services/summarize";
import { createVectaraClient, type SummaryStreamEvent, type VectaraClient } from "@/lib/vectara";
import { makeEngine } from "../support/engine";
import { type OpenAiStub, startOpenAiStub } from "../support/openai-stub";
import { coreDoc, rawRequest, seedCorpus } from "../support/search";
import { serveEngine } from "../support/serve-engine";

/**
 * `POST /v2/evaluate_factual_consistency` and `POST …/documents/{id}/summarize`, over
 * real HTTP (`serveEngine`) and in-process, through the typed client and raw requests.
 */
const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

async function overHttp(engine: Engine, apiKey = engine.apiKey): Promise<VectaraClient> {
  const server = await serveEngine(engine);
  closers.push(server.close);
  return createVectaraClient({
    baseUrl: server.url,
    auth: { type: "api_key", apiKey },
    maxRetries: 0,
  });
}

async function rawOverHttp(
  engine: Engine,
  path: string,
  body: unknown,
  headers: Record<string, string> = { "x-api-key": engine.apiKey },
) {
  const server = await serveEngine(engine);
  closers.push(server.close);
  const res = await fetch(`${server.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let json: Record<string, unknown> = {};
  try {
    json = text && !text.startsWith("event:") ? JSON.parse(text) : {};
  } catch {
    // not JSON
  }
  return { status: res.status, headers: res.headers, text, json };
}

async function apiKey(engine: Engine, body: Record<string, unknown>): Promise<string> {
  const created = await rawRequest(engine, "POST", "/v2/api_keys", { name: "k", ...body });
  expect(created.status).toBe(201);
  return created.json.secret_key as string;
}

function events(text: string): Array<Record<string, unknown>> {
  return text
    .split("\n\n")
    .filter((b) => b.trim())
    .map((b) => JSON.parse(b.split("\n")[1]?.slice(5) ?? "{}") as Record<string, unknown>);
}

const SOURCES = [
  "Refunds are issued within five business days to the original card. Annual plans can be refunded within 30 days of purchase.",
  "Support is available by email around the clock.",
];

describe("POST /v2/evaluate_factual_consistency", () => {
  it("scores a consistent text above an inconsistent one, over HTTP through the client", async () => {
    const { engine } = makeEngine();
    const client = await overHttp(engine);
    const consistent = await client.factualConsistency.evaluate({
      generated_text: "Refunds are issued within five business days to the original card.",
      source_texts: SOURCES,
    });
    const numberChanged = await client.factualConsistency.evaluate({
      generated_text: "Refunds are issued within 90 business days to the original card.",
      source_texts: SOURCES,
    });
    const negated = await client.factualConsistency.evaluate({
      generated_text: "Refunds are never issued to the original card.",
      source_texts: SOURCES,
    });
    const invented = await client.factualConsistency.evaluate({
      generated_text: "Our headquarters moved to Lisbon, and the cafeteria serves vegan lunches.",
      source_texts: SOURCES,
      model_parameters: { model_name: "hhem_v2.3" },
    });
    for (const r of [consistent, numberChanged, negated, invented]) {
      expect(r.score).toBeGreaterThanOrEqual(0);
      expect(r.score).toBeLessThanOrEqual(1);
    }
    expect(consistent.score).toBeGreaterThan(numberChanged.score);
    expect(consistent.score).toBeGreaterThan(negated.score);
    expect(numberChanged.score).toBeGreaterThan(invented.score);
    expect(negated.score).toBeGreaterThan(invented.score);
  });

  it("answers 400 naming the field for bad and oversized input", async () => {
    const { engine } = makeEngine();
    const cases: Array<[unknown, string]> = [
      [{ source_texts: ["a"] }, "body.generated_text"],
      [{ generated_text: "", source_texts: ["a"] }, "body.generated_text"],
      [{ generated_text: "Refunds take days.", source_texts: [] }, "body.source_texts"],
      [{ generated_text: "Refunds take days.", source_texts: "text" }, "body.source_texts"],
      [{ generated_text: "Refunds take days.", source_texts: [1] }, "body.source_texts.0"],
      [
        { generated_text: "x".repeat(10_001), source_texts: ["Refunds take days."] },
        "body.generated_text",
      ],
      [
        { generated_text: "Refunds take days.", source_texts: Array(51).fill("Refunds.") },
        "body.source_texts",
      ],
      [
        { generated_text: "Refunds take days.", source_texts: ["ok", "y".repeat(50_001)] },
        "body.source_texts.1",
      ],
      [
        { generated_text: "Refunds take days.", source_texts: Array(3).fill("z ".repeat(9_000)) },
        "body.source_texts",
      ],
      [
        {
          generated_text: "Refunds take days.",
          source_texts: ["Refunds take days."],
          model_parameters: { model_name: "gpt-judge" },
        },
        "body.model_parameters.model_name",
      ],
      [
        { generated_text: "the and of.", source_texts: ["Refunds take days."] },
        "body.generated_text",
      ],
    ];
    for (const [body, field] of cases) {
      const res = await rawRequest(engine, "POST", "/v2/evaluate_factual_consistency", body);
      expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect(Object.keys(res.json.field_errors as object)).toContain(field);
      expect(res.json.request_id).toEqual(expect.any(String));
    }
    const notJson = await rawOverHttp(engine, "/v2/evaluate_factual_consistency", "{");
    expect(notJson.status).toBe(400);
  });

  it("scores input at its bounds", async () => {
    const { engine } = makeEngine();
    const claim = "Refunds are issued within five business days. ";
    const source = "Refunds are issued within five business days to the original card. ";
    const res = await rawRequest(engine, "POST", "/v2/evaluate_factual_consistency", {
      generated_text: claim.repeat(300).slice(0, 10_000),
      source_texts: Array.from({ length: 50 }, () => source.repeat(20).slice(0, 1_000)),
    });
    expect(res.status).toBe(200);
    expect(res.json.score).toBeGreaterThan(0.9);
  });

  it("needs a key (401), and any role may call it", async () => {
    const { engine, clientWith } = makeEngine();
    const body = { generated_text: "Support answers by email.", source_texts: SOURCES };
    const none = await rawOverHttp(engine, "/v2/evaluate_factual_consistency", body, {});
    expect(none.status).toBe(401);
    const wrong = await rawOverHttp(engine, "/v2/evaluate_factual_consistency", body, {
      "x-api-key": "zqt_not-a-key",
    });
    expect(wrong.status).toBe(401);
    const query = clientWith(await apiKey(engine, { api_key_role: "serving" }));
    expect((await query.factualConsistency.evaluate(body)).score).toBeGreaterThan(0.5);
  });
});

const LONG_DOC = coreDoc(
  "refund-policy",
  [
    "Refund policy",
    "Refunds are issued within five business days to the original card.",
    "Annual plans can be refunded within 30 days of purchase.",
    "Monthly plans are not refunded, but you can cancel before the next billing date.",
    "To request a refund, open Billing and choose Request refund.",
    "Our office dog is called Biscuit.",
  ],
  { title: "Refund policy", region: "EU" },
);

async function summaryEngine(options: Parameters<typeof makeEngine>[0] = {}) {
  const fixture = makeEngine(options);
  await seedCorpus(fixture.client, "kb", [LONG_DOC]);
  await fixture.client.corpora.create({ key: "other" });
  return fixture;
}

describe("POST /v2/corpora/{key}/documents/{id}/summarize (extractive)", () => {
  it("summarizes with the document's representative sentences, over HTTP through the client", async () => {
    const { engine } = await summaryEngine();
    const client = await overHttp(engine);
    const first = await client.documents.summarize("kb", "refund-policy", {
      llm_name: "parley-extractive",
    });
    expect(first.summary).toContain("Refunds are issued within five business days");
    expect(first.summary).not.toContain("Biscuit");
    expect(first.summary).not.toMatch(/^Refund policy/);
    expect(first.renderedPrompt).toContain("Provide a concise summary of the document.");
    // Deterministic.
    const again = await client.documents.summarize("kb", "refund-policy", {
      llm_name: "parley-extractive",
    });
    expect(again.summary).toBe(first.summary);
    // A Vectara preset name is served by the default generator (extractive here).
    const alias = await client.documents.summarize("kb", "refund-policy", {
      llm_name: "mockingbird-2.0",
    });
    expect(alias.summary).toBe(first.summary);
    // max_tokens bounds it as it would a model's answer (about 4 characters a token).
    const short = await client.documents.summarize("kb", "refund-policy", {
      llm_name: "parley-extractive",
      model_parameters: { max_tokens: 20 },
    });
    expect(short.summary.length).toBeLessThanOrEqual(80);
    expect(short.summary.length).toBeGreaterThan(20);
    expect(first.summary.length).toBeGreaterThan(80);
  });

  it("renders prompt_template's $document variables into the rendered prompt", async () => {
    const { client } = await summaryEngine();
    const res = await client.documents.summarize("kb", "refund-policy", {
      llm_name: "parley-extractive",
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a Velocity reference, as Vectara's example writes it
      prompt_template: "Summarize the ${document.metadata.region} refund terms of $document.id.",
    });
    expect(res.renderedPrompt).toContain("Summarize the EU refund terms of refund-policy.");
  });

  it("streams generation_chunk…, generation_info, generation_end, end in order", async () => {
    const { engine } = await summaryEngine();
    const client = await overHttp(engine);
    const stream = await client.documents.summarizeStream("kb", "refund-policy", {
      llm_name: "parley-extractive",
    });
    const seen: SummaryStreamEvent[] = [];
    for await (const e of stream) seen.push(e);
    const types = seen.map((e) => e.type);
    const chunks = types.filter((t) => t === "generation_chunk").length;
    expect(chunks).toBeGreaterThan(1);
    expect(types).toEqual([
      ...Array(chunks).fill("generation_chunk"),
      "generation_info",
      "generation_end",
      "end",
    ]);
    const text = seen.map((e) => (e.type === "generation_chunk" ? e.text : "")).join("");
    const whole = await client.documents.summarize("kb", "refund-policy", {
      llm_name: "parley-extractive",
    });
    expect(text).toBe(whole.summary);
    // The raw wire: Vectara's framing, the type repeated in the data.
    const raw = await rawOverHttp(engine, "/v2/corpora/kb/documents/refund-policy/summarize", {
      llm_name: "parley-extractive",
      stream_response: true,
    });
    expect(raw.headers.get("content-type")).toMatch(/^text\/event-stream/);
    expect(raw.text.startsWith("event:generation_chunk\ndata:")).toBe(true);
    expect(events(raw.text).at(-1)).toEqual({ type: "end" });
  });

  it("answers 400 naming the field, before any streaming", async () => {
    const { engine } = await summaryEngine();
    const path = "/v2/corpora/kb/documents/refund-policy/summarize";
    const cases: Array<[unknown, string]> = [
      [{}, "body.llm_name"],
      [{ llm_name: "gpt-9000", stream_response: true }, "body.llm_name"],
      [{ llm_name: "parley-extractive", prompt_template: "#if(" }, "body.prompt_template"],
      [
        { llm_name: "parley-extractive", prompt_template: "x".repeat(10_001) },
        "body.prompt_template",
      ],
      [
        { llm_name: "parley-extractive", model_parameters: { max_tokens: 0 } },
        "body.model_parameters.max_tokens",
      ],
      [{ llm_name: "parley-extractive", stream_response: "yes" }, "body.stream_response"],
    ];
    for (const [body, field] of cases) {
      const res = await rawRequest(engine, "POST", path, body);
      expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect(Object.keys(res.json.field_errors as object)).toContain(field);
    }
  });

  it("answers 404 in Vectara's shape for an unknown corpus or document", async () => {
    const { engine } = await summaryEngine();
    const doc = await rawRequest(engine, "POST", "/v2/corpora/kb/documents/nope/summarize", {
      llm_name: "parley-extractive",
    });
    expect(doc.status).toBe(404);
    expect(doc.json).toMatchObject({ id: "nope", messages: [expect.stringMatching(/nope/)] });
    const corpus = await rawRequest(engine, "POST", "/v2/corpora/ghost/documents/x/summarize", {
      llm_name: "parley-extractive",
      stream_response: true,
    });
    expect(corpus.status).toBe(404);
    expect(corpus.json.id).toBe("ghost");
    const client = await overHttp(engine);
    await expect(
      client.documents.summarize("other", "refund-policy", { llm_name: "parley-extractive" }),
    ).rejects.toMatchObject({ name: "NotFoundError", status: 404, missingId: "refund-policy" });
  });

  it("needs a key (401) and respects a key's corpus scope (403)", async () => {
    const { engine, clientWith } = await summaryEngine();
    const path = "/v2/corpora/kb/documents/refund-policy/summarize";
    const body = { llm_name: "parley-extractive" };
    expect((await rawOverHttp(engine, path, body, {})).status).toBe(401);
    const outside = clientWith(
      await apiKey(engine, { api_key_role: "serving", corpus_keys: ["other"] }),
    );
    await expect(outside.documents.summarize("kb", "refund-policy", body)).rejects.toMatchObject({
      name: "ForbiddenError",
      status: 403,
    });
    const inside = clientWith(
      await apiKey(engine, { api_key_role: "serving", corpus_keys: ["kb"] }),
    );
    expect((await inside.documents.summarize("kb", "refund-policy", body)).summary).toMatch(
      /Refunds/,
    );
  });

  it("reads a huge document only up to its bound", async () => {
    const { engine, client } = makeEngine();
    const sentence = "Backups are copied to a second region every night. ";
    const late = "The archive tier keeps snapshots for seven years.";
    await seedCorpus(client, "big", [
      coreDoc("huge", [...Array.from({ length: 60 }, () => sentence.repeat(20)), late.repeat(1)]),
    ]);
    const res = await rawRequest(engine, "POST", "/v2/corpora/big/documents/huge/summarize", {
      llm_name: "parley-extractive",
    });
    expect(res.status).toBe(200);
    expect(res.json.summary).toContain("Backups are copied");
    expect(res.json.rendered_prompt as string).not.toContain("archive tier");
    expect((res.json.rendered_prompt as string).length).toBeLessThan(MAX_SUMMARY_CHARS + 2_000);
  });
});

describe("extractiveSummary", () => {
  it("picks central statements in document order, never headings or questions", () => {
    const summary = extractiveSummary(
      [
        { text: "Password reset", isTitle: true },
        { text: "Do you need a new password?" },
        { text: "Open Settings and choose Reset password to get a reset link." },
        { text: "The reset link expires after one hour." },
        { text: "We like cake." },
      ],
      { maxSentences: 2 },
    );
    expect(summary).toBe(
      "Open Settings and choose Reset password to get a reset link. The reset link expires after one hour.",
    );
    expect(extractiveSummary([])).toBe("");
  });
});

// ------------------------------------------------------------------ LLM

const stubs: OpenAiStub[] = [];
afterEach(async () => {
  for (const s of stubs.splice(0)) await s.close();
});

/** An OpenAI-compatible `/v1/chat/completions` that answers `tokens` (streamed or whole). */
async function startLlm(tokens: string[], status?: number): Promise<OpenAiStub> {
  const stub = await startOpenAiStub({ tokens, status });
  stubs.push(stub);
  return stub;
}

describe("summaries through the configured LLM", () => {
  const TOKENS = ["Refunds take ", "five business ", "days [1]."];

  it("sends the document and the rendered instruction to the model and returns its words", async () => {
    const stub = await startLlm(TOKENS);
    const llm = createLlm({ baseURL: stub.url, model: "stub-model", maxRetries: 0 });
    const { engine } = await summaryEngine({ llm });
    const client = await overHttp(engine);
    const res = await client.documents.summarize("kb", "refund-policy", {
      llm_name: "stub-model",
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a Velocity reference, as Vectara's example writes it
      prompt_template: "Summarize the refund terms for ${document.metadata.region}.",
      model_parameters: { max_tokens: 120, temperature: 0.2 },
    });
    expect(res.summary).toBe("Refunds take five business days.");
    const sent = stub.requests[0];
    expect(sent?.stream).toBe(true);
    expect(sent?.messages).toEqual(JSON.parse(res.renderedPrompt ?? ""));
    const user = sent?.messages.at(-1)?.content ?? "";
    expect(user).toContain("Annual plans can be refunded within 30 days of purchase.");
    expect(user).toContain("Task: Summarize the refund terms for EU.");
    expect(sent).toMatchObject({ max_tokens: 120, temperature: 0.2 });

    // The extractive generator is still there by its name, and the model is not called.
    const extractive = await client.documents.summarize("kb", "refund-policy", {
      llm_name: "parley-extractive",
    });
    expect(extractive.summary).toContain("Refunds are issued within five business days");
    expect(stub.requests).toHaveLength(1);
    // Vectara's preset names go to the configured model.
    await client.documents.summarize("kb", "refund-policy", { llm_name: "mockingbird-2.0" });
    expect(stub.requests).toHaveLength(2);
  });

  it("streams the model's chunks, then generation_info, generation_end and end", async () => {
    const stub = await startLlm(TOKENS);
    const llm = createLlm({ baseURL: stub.url, model: "stub-model", maxRetries: 0 });
    const { engine } = await summaryEngine({ llm });
    const raw = await rawOverHttp(engine, "/v2/corpora/kb/documents/refund-policy/summarize", {
      llm_name: "parley-llm",
      stream_response: true,
    });
    const evs = events(raw.text);
    const types = evs.map((e) => e.type);
    const chunks = evs.filter((e) => e.type === "generation_chunk");
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.map((e) => e.generation_chunk).join("")).toBe("Refunds take five business days.");
    expect(types.slice(chunks.length)).toEqual(["generation_info", "generation_end", "end"]);
    expect(types.slice(0, chunks.length).every((t) => t === "generation_chunk")).toBe(true);
    const info = evs.find((e) => e.type === "generation_info") as { rendered_prompt: string };
    expect(JSON.parse(info.rendered_prompt)).toEqual(stub.requests[0]?.messages);
  });

  it("answers 502 when the model fails, or error and end once streaming", async () => {
    const stub = await startLlm([], 500);
    const llm = createLlm({ baseURL: stub.url, model: "stub-model", maxRetries: 0 });
    const { engine } = await summaryEngine({ llm });
    const path = "/v2/corpora/kb/documents/refund-policy/summarize";
    const whole = await rawRequest(engine, "POST", path, { llm_name: "stub-model" });
    expect(whole.status).toBe(502);
    expect(whole.json.messages).toEqual(["The language model endpoint answered 500"]);
    const streamed = await rawOverHttp(engine, path, {
      llm_name: "stub-model",
      stream_response: true,
    });
    expect(streamed.status).toBe(200);
    expect(events(streamed.text)).toEqual([
      { type: "error", messages: ["The language model endpoint answered 500"] },
      { type: "end" },
    ]);
  });

  it("rejects a name that is neither the model's nor the extractive generator's", async () => {
    const stub = await startLlm(TOKENS);
    const llm = createLlm({ baseURL: stub.url, model: "stub-model", maxRetries: 0 });
    const { engine } = await summaryEngine({ llm });
    const res = await rawRequest(
      engine,
      "POST",
      "/v2/corpora/kb/documents/refund-policy/summarize",
      {
        llm_name: "other-model",
      },
    );
    expect(res.status).toBe(400);
    expect(res.json.field_errors).toHaveProperty("body.llm_name");
    expect(stub.requests).toHaveLength(0);
  });
});
