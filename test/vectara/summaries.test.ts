import { describe, expect, it } from "vitest";
import { createVectaraClient } from "@/lib/vectara";
import {
  evaluateFactualConsistencyResponseSchema,
  summarizeDocumentRequestWireSchema,
  summarizeDocumentResponseSchema,
} from "@/lib/vectara/schemas/summaries";
import { makeEngine } from "../support/engine";
import { hasSpec, loadSpecExamples, missingSpecReason } from "../support/reference";
import { coreDoc, rawRequest, seedCorpus } from "../support/search";

/**
 * The client's `factualConsistency.evaluate` and `documents.summarize(Stream)` as Vectara
 * sees them: what goes on the wire (against a stand-in for api.vectara.io), what the
 * client refuses before sending, and the spec's own examples.
 */
interface Sent {
  method: string;
  url: string;
  body: Record<string, unknown>;
  headers: Headers;
}

function fakeVectara(answer: (sent: Sent) => Response) {
  const sent: Sent[] = [];
  const client = createVectaraClient({
    auth: { type: "api_key", apiKey: "zqt_test" },
    maxRetries: 0,
    fetch: async (request: Request) => {
      const text = await request.text();
      const s = {
        method: request.method,
        url: request.url,
        body: text ? JSON.parse(text) : {},
        headers: request.headers,
      };
      sent.push(s);
      return answer(s);
    },
  });
  return { client, sent };
}

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });

describe("client.factualConsistency.evaluate", () => {
  it("posts the request as Vectara's REST API names it and reads the score", async () => {
    const { client, sent } = fakeVectara(() => json({ score: 0.83 }));
    const result = await client.factualConsistency.evaluate({
      generated_text: "Refunds take five days.",
      source_texts: ["Refunds take five business days."],
      model_parameters: { model_name: "hhem_v2.3" },
    });
    expect(result).toEqual({ score: 0.83 });
    expect(sent[0]).toMatchObject({
      method: "POST",
      url: "https://api.vectara.io/v2/evaluate_factual_consistency",
      body: {
        generated_text: "Refunds take five days.",
        source_texts: ["Refunds take five business days."],
        model_parameters: { model_name: "hhem_v2.3" },
      },
    });
    expect(sent[0]?.headers.get("x-api-key")).toBe("zqt_test");
  });

  it("refuses a malformed request before sending it, and a malformed answer after", async () => {
    const { client, sent } = fakeVectara(() => json({ score: 7 }));
    await expect(
      client.factualConsistency.evaluate({ generated_text: "x", source_texts: [] }),
    ).rejects.toMatchObject({
      name: "InvalidRequestError",
      fieldErrors: { "body.source_texts": expect.any(String) },
    });
    expect(sent).toHaveLength(0);
    await expect(
      client.factualConsistency.evaluate({ generated_text: "x", source_texts: ["y"] }),
    ).rejects.toThrow();
  });

  it("gives Vectara's 422 (unsupported language) as an API error", async () => {
    const { client } = fakeVectara(() => json({ messages: ["Language not supported"] }, 422));
    await expect(
      client.factualConsistency.evaluate({ generated_text: "x", source_texts: ["y"] }),
    ).rejects.toMatchObject({ status: 422, messages: ["Language not supported"] });
  });
});

describe("client.documents.summarize", () => {
  it("posts to the document's summarize path, percent-encoding the id", async () => {
    const { client, sent } = fakeVectara(() =>
      json({ summary: "A short summary.", rendered_prompt: "Summarize." }),
    );
    const result = await client.documents.summarize("kb", "guides/a b", {
      llm_name: "mockingbird-2.0",
      model_parameters: { max_tokens: 200 },
    });
    expect(result).toEqual({ summary: "A short summary.", renderedPrompt: "Summarize." });
    expect(sent[0]?.url).toBe(
      "https://api.vectara.io/v2/corpora/kb/documents/guides%2Fa%20b/summarize",
    );
    expect(sent[0]?.body).toEqual({
      llm_name: "mockingbird-2.0",
      model_parameters: { max_tokens: 200 },
      stream_response: false,
    });
  });

  it("streams Vectara's summary events and sends stream_response: true", async () => {
    const frames = [
      { type: "generation_chunk", generation_chunk: "A short " },
      { type: "generation_chunk", generation_chunk: "summary." },
      { type: "generation_info", rendered_prompt: "Summarize." },
      { type: "generation_end" },
      { type: "end" },
    ];
    const { client, sent } = fakeVectara(
      () =>
        new Response(frames.map((f) => `event:${f.type}\ndata:${JSON.stringify(f)}\n\n`).join(""), {
          headers: { "content-type": "text/event-stream" },
        }),
    );
    const stream = await client.documents.summarizeStream("kb", "doc", { llm_name: "x" });
    const seen = [];
    for await (const e of stream) seen.push(e);
    expect(sent[0]?.body).toEqual({ llm_name: "x", stream_response: true });
    expect(seen).toEqual([
      { type: "generation_chunk", text: "A short " },
      { type: "generation_chunk", text: "summary." },
      { type: "generation_info", renderedPrompt: "Summarize." },
      { type: "generation_end" },
      { type: "end" },
    ]);
  });

  it("refuses a request without llm_name or with an unknown field before sending it", async () => {
    const { client, sent } = fakeVectara(() => json({}));
    await expect(
      client.documents.summarize("kb", "doc", {} as { llm_name: string }),
    ).rejects.toMatchObject({ fieldErrors: { "body.llm_name": expect.any(String) } });
    await expect(
      client.documents.summarize("kb", "doc", { llm_name: "x", language: "eng" } as {
        llm_name: string;
      }),
    ).rejects.toMatchObject({ name: "InvalidRequestError" });
    expect(sent).toHaveLength(0);
  });
});

describe.skipIf(!hasSpec)("the spec's examples for these operations", () => {
  const examples = hasSpec
    ? loadSpecExamples().filter(
        (e) =>
          e.operationId === "summarizeCorpusDocument" ||
          e.operationId === "evaluateFactualConsistency",
      )
    : [];

  it(`parse with the client's wire schemas${hasSpec ? "" : ` (${missingSpecReason})`}`, () => {
    const requests = examples.filter((e) => e.kind === "request");
    const responses = examples.filter((e) => e.kind === "200");
    expect(requests.length).toBeGreaterThan(0);
    expect(responses.length).toBeGreaterThan(0);
    for (const e of requests) {
      expect(summarizeDocumentRequestWireSchema.safeParse(e.value).success, e.name).toBe(true);
    }
    for (const e of responses) {
      const schema =
        e.operationId === "summarizeCorpusDocument"
          ? summarizeDocumentResponseSchema
          : evaluateFactualConsistencyResponseSchema;
      expect(schema.safeParse(e.value).success, e.name).toBe(true);
    }
  });

  it("are answered by the engine, their prompt_template rendered from the document", async () => {
    const { engine, client } = makeEngine();
    await seedCorpus(client, "kb", [
      coreDoc(
        "contract",
        [
          "Disputes are settled by binding arbitration through the AAA.",
          "Confidentiality obligations last five years after termination.",
        ],
        {
          jurisdiction: "Delaware",
          quarter: "Q1-2025",
          issue: "auth_token_stale",
          platform: "web_portal",
        },
      ),
    ]);
    for (const e of examples.filter((x) => x.operationId === "summarizeCorpusDocument")) {
      if (e.kind !== "request") continue;
      const res = await rawRequest(
        engine,
        "POST",
        "/v2/corpora/kb/documents/contract/summarize",
        e.value,
      );
      expect(res.status, e.name).toBe(200);
      expect(res.json.summary, e.name).toMatch(/arbitration|Confidentiality/);
      expect(res.json.rendered_prompt, e.name).not.toContain("${document");
    }
  });
});
