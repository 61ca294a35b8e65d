import { describe, expect, it } from "vitest";
import { formatCitation, restyleCitations } from "@/lib/engine/core/generation/citations";
import { composeExtractive, NO_ANSWER } from "@/lib/engine/core/generation/extractive";
import { createGenerator } from "@/lib/engine/generation";
import type { GenerationEvent, SearchResult } from "@/lib/engine/ports";
import { makeEngine } from "../support/engine";
import { coreDoc, rawRequest, seedCorpus } from "../support/search";

const result = (
  text: string,
  document_id: string,
  document_metadata: Record<string, unknown> = {},
  part_metadata: Record<string, unknown> = {},
): SearchResult => ({
  text,
  score: 1,
  document_id,
  document_metadata,
  part_metadata,
  request_corpora_index: 0,
  corpus_key: "kb",
});

const REFUNDS = result(
  "Our office is open on weekdays. Refunds are issued within five business days to the original card. Refunds for annual plans are prorated by month.",
  "refunds",
  { title: "Refunds", url: "https://help.example/refunds" },
);
const REFUNDS_COPY = result(
  "Refunds are issued within five business days to the original card.",
  "refunds-faq",
  { title: "Refund FAQ" },
);
const PASSWORD = result(
  "To reset your password, open Settings and choose Security. The reset link works for one hour.",
  "password",
  { title: "Passwords" },
);

async function collect(events: AsyncIterable<GenerationEvent>) {
  const out: GenerationEvent[] = [];
  for await (const e of events) out.push(e);
  const answer = out
    .filter((e) => e.type === "chunk")
    .map((e) => (e as { text: string }).text)
    .join("");
  return { events: out, answer };
}

const generate = (
  query: string,
  results: SearchResult[],
  generation: Record<string, unknown> = {},
) =>
  collect(
    createGenerator().generate({
      query,
      results,
      generation,
      signal: new AbortController().signal,
    }),
  );

describe("extractive answers", () => {
  it("picks the sentences that answer the question, in reading order, each cited", () => {
    const answer = composeExtractive({
      query: "how long do refunds take?",
      texts: [REFUNDS.text, PASSWORD.text],
      maxResults: 5,
    });
    const texts = answer.map((s) => s.text);
    expect(texts[0]).toBe("Refunds are issued within five business days to the original card.");
    expect(texts).not.toContain("Our office is open on weekdays.");
    expect(answer.every((s) => s.result === 1)).toBe(true);
    expect(texts.join(" ")).not.toContain("password");
  });

  it("does not repeat a sentence that another result already said", () => {
    const answer = composeExtractive({
      query: "refunds original card",
      texts: [REFUNDS_COPY.text, REFUNDS.text],
      maxResults: 5,
    });
    const issued = answer.filter((s) => s.text.startsWith("Refunds are issued"));
    expect(issued).toHaveLength(1);
    expect(issued[0]?.result).toBe(1);
  });

  it("only reads the first max_used_search_results results", () => {
    const answer = composeExtractive({
      query: "reset password",
      texts: [REFUNDS.text, PASSWORD.text],
      maxResults: 1,
    });
    expect(answer).toEqual([]);
  });

  it("numbers citations by position in search_results and streams in several chunks", async () => {
    const { events, answer } = await generate("how do I reset my password?", [REFUNDS, PASSWORD]);
    expect(answer).toBe(
      "To reset your password, open Settings and choose Security [2]. The reset link works for one hour [2].",
    );
    expect(events.filter((e) => e.type === "chunk").length).toBeGreaterThan(3);
    expect(events.map((e) => e.type).slice(-2)).toEqual(["info", "factual_consistency_score"]);
  });

  it("strips snippet tags from what it quotes", async () => {
    const tagged = result(
      "Intro line. %START_SNIPPET%Invoices are emailed on the first of the month.%END_SNIPPET% Outro.",
      "billing",
    );
    const { answer } = await generate("when are invoices emailed", [tagged]);
    expect(answer.startsWith("Invoices are emailed on the first of the month [1].")).toBe(true);
    expect(answer).not.toMatch(/%(START|END)_SNIPPET%/);
  });

  it("carries on with the steps that follow the best sentence in its result", () => {
    const steps = [
      "Open the sign-in page and choose Forgot password.",
      "Enter the email address of your account.",
      "We send a reset link that expires after 30 minutes.",
      "Our office is open on weekdays.",
    ];
    const answer = composeExtractive({
      query: "I forgot my password, what do I do?",
      texts: [steps.join(" ")],
      maxResults: 5,
    });
    expect(answer.map((s) => s.text)).toEqual(steps.slice(0, 3));
    // A character budget drops the continuation first.
    const short = composeExtractive({
      query: "I forgot my password, what do I do?",
      texts: [steps.join(" ")],
      maxResults: 5,
      maxChars: 60,
    });
    expect(short.map((s) => s.text)).toEqual([steps[0]]);
  });

  it("cuts at a sentence boundary to respect max_response_characters", async () => {
    const long = result(
      "Refunds are issued within five business days. Refunds for annual plans are prorated by month. Refunds on gift cards are not possible.",
      "r",
    );
    const { answer: full } = await generate("refunds", [long]);
    expect(full.length).toBeGreaterThan(80);
    const { answer } = await generate("refunds", [long], { max_response_characters: 80 });
    expect(answer.length).toBeLessThanOrEqual(80);
    expect(answer).toMatch(/\[1\]\.$/);
    // Whole sentences of the full answer, the most relevant kept.
    const sentences = answer.split(/(?<=\]\.) /);
    expect(sentences.length).toBeGreaterThanOrEqual(1);
    for (const s of sentences) expect(full).toContain(s);
    const tiny = await generate("refunds", [long], { max_response_characters: 30 });
    expect(tiny.answer.length).toBeLessThanOrEqual(30);
    expect(tiny.answer).toMatch(/^Refunds .*… \[1\]$/);
  });

  it("says plainly when nothing relevant was found, without a score", async () => {
    const none = await generate("quantum entanglement", [REFUNDS]);
    expect(none.answer).toBe(NO_ANSWER);
    expect(none.events.some((e) => e.type === "factual_consistency_score")).toBe(false);
    expect((await generate("refunds", [])).answer).toBe(NO_ANSWER);
  });

  it("puts chat history in the prompt, never in the extractive answer, and reports the rephrased query", async () => {
    const { events, answer } = await collect(
      createGenerator().generate({
        query: "and the link?",
        rephrasedQuery: "how long does the password reset link work",
        history: [
          {
            query: "How do I reset my password?",
            answer: "As explained before, use the Security page [1].",
          },
        ],
        results: [PASSWORD],
        generation: {},
        signal: new AbortController().signal,
      }),
    );
    expect(answer).toContain("The reset link works for one hour [1].");
    expect(answer).not.toContain("explained before");
    const info = events.find((e) => e.type === "info") as {
      rendered_prompt: string;
      rephrased_query: string;
    };
    expect(info.rephrased_query).toBe("how long does the password reset link work");
    const messages = JSON.parse(info.rendered_prompt) as Array<{ role: string; content: string }>;
    expect(messages.slice(1, 3)).toEqual([
      { role: "user", content: "How do I reset my password?" },
      { role: "assistant", content: "As explained before, use the Security page [1]." },
    ]);
    expect(messages.at(-1)?.content).toContain("Question: and the link?");
  });

  it("is deterministic", async () => {
    const a = await generate("refunds annual plans card", [REFUNDS, REFUNDS_COPY, PASSWORD]);
    const b = await generate("refunds annual plans card", [REFUNDS, REFUNDS_COPY, PASSWORD]);
    expect(a).toEqual(b);
  });
});

describe("citation styles", () => {
  const q = "how do I reset my password?";
  it("numeric (default), none, html and markdown with patterns", async () => {
    const numeric = await generate(q, [REFUNDS, PASSWORD], { citations: { style: "numeric" } });
    expect(numeric.answer).toContain("Security [2].");
    const none = await generate(q, [REFUNDS, PASSWORD], { citations: { style: "none" } });
    expect(none.answer).toBe(
      "To reset your password, open Settings and choose Security. The reset link works for one hour.",
    );
    const html = await generate(q, [REFUNDS, PASSWORD], {
      citations: {
        style: "html",
        url_pattern: "https://help.example/{doc.id}",
        text_pattern: "{doc.title}",
      },
    });
    expect(html.answer).toContain(
      'Security <a href="https://help.example/password">Passwords</a>.',
    );
    const md = await generate(q, [REFUNDS, PASSWORD], {
      citations: { style: "markdown", url_pattern: "https://help.example/{doc.id}" },
    });
    expect(md.answer).toContain("Security [2](https://help.example/password).");
  });

  it("escapes metadata for HTML and Markdown", () => {
    const evil = result("x", "a b", { title: '<script>"x"</script>' }, { page: "1)](javascript:" });
    expect(
      formatCitation(1, evil, {
        style: "html",
        url_pattern: "/d/{doc.id}",
        text_pattern: "{doc.title}",
      }),
    ).toBe(' <a href="/d/a b">&lt;script&gt;&quot;x&quot;&lt;/script&gt;</a>');
    expect(
      formatCitation(1, evil, {
        style: "markdown",
        url_pattern: "/d/{doc.id}/{part.page}",
        text_pattern: "{part.page}",
      }),
    ).toBe(" [1\\)\\]\\(javascript:](/d/a%20b/1%29%5D%28javascript:)");
    expect(formatCitation(1, evil, { style: "markdown", text_pattern: "{doc.missing}" })).toBe(
      " []()",
    );
  });

  it("restyles a model's [n] citations, grouped or not, dropping numbers out of range", () => {
    const results = [REFUNDS, PASSWORD];
    expect(restyleCitations("Five days [1, 2]. Also [7] and [2][1].", results, undefined)).toBe(
      "Five days [1] [2]. Also and [2] [1].",
    );
    expect(
      restyleCitations("Five days [2].", results, {
        style: "markdown",
        text_pattern: "{doc.title}",
      }),
    ).toBe("Five days [Passwords]().");
  });
});

/** Velocity's `${...}` form (kept out of a JS string literal for the linter). */
const VELOCITY_BRACES = `[{"role": "user", "content": "Q: $\{vectaraQuery} N: $vectaraQueryResults.size()"}]`;

describe("generation on the query endpoint", () => {
  async function engineWithKb() {
    const fixture = makeEngine();
    await seedCorpus(fixture.client, "kb", [
      coreDoc("refunds", [
        "Refunds are issued within five business days to the original card.",
        "Refunds for annual plans are prorated by month.",
      ]),
      coreDoc("password", [
        "To reset your password, open Settings and choose Security.",
        "The reset link works for one hour.",
      ]),
    ]);
    return fixture;
  }

  it("answers `generation: {}` with a cited summary, the rendered prompt and a score", async () => {
    const { engine } = await engineWithKb();
    const res = await rawRequest(engine, "POST", "/v2/query", {
      query: "How long do refunds take?",
      search: { corpora: [{ corpus_key: "kb" }] },
      generation: {},
    });
    expect(res.status).toBe(200);
    const body = res.json as {
      summary: string;
      rendered_prompt: string;
      factual_consistency_score: number;
      search_results: SearchResult[];
    };
    expect(body.summary.length).toBeGreaterThan(20);
    expect(body.summary).toContain("five business days");
    const n = body.search_results.findIndex((r) => r.text.includes("five business days")) + 1;
    expect(body.summary).toContain(`[${n}]`);
    const messages = JSON.parse(body.rendered_prompt) as Array<{ role: string; content: string }>;
    expect(messages.at(-1)?.content).toContain("How long do refunds take?");
    // For an extractive answer the score is how much of the question it covers.
    expect(body.factual_consistency_score).toBeGreaterThan(0.4);
    expect(body.factual_consistency_score).toBeLessThanOrEqual(1);
  });

  it("streams search_results → generation_chunk… → generation_info → generation_end → factual_consistency_score → end", async () => {
    const { engine } = await engineWithKb();
    const res = await rawRequest(engine, "POST", "/v2/corpora/kb/query", {
      query: "reset password",
      generation: {},
      stream_response: true,
    });
    const events = res.text
      .split("\n\n")
      .filter((b) => b.trim())
      .map((b) => JSON.parse(b.split("\n")[1]?.slice(5) ?? "{}") as Record<string, unknown>);
    const types = events.map((e) => e.type as string);
    const collapsed = types.filter((t, i) => t !== "generation_chunk" || types[i - 1] !== t);
    expect(collapsed).toEqual([
      "search_results",
      "generation_chunk",
      "generation_info",
      "generation_end",
      "factual_consistency_score",
      "end",
    ]);
    expect(types.filter((t) => t === "generation_chunk").length).toBeGreaterThan(2);
    const answer = events
      .filter((e) => e.type === "generation_chunk")
      .map((e) => e.generation_chunk)
      .join("");
    expect(answer).toContain("open Settings and choose Security [");
  });

  it("rejects bad generation parameters and templates with 400s, also before a stream starts", async () => {
    const { engine } = await engineWithKb();
    const bad = await rawRequest(engine, "POST", "/v2/corpora/kb/query", {
      query: "refunds",
      generation: { citations: { style: "fancy" }, max_used_search_results: -1 },
    });
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.json.field_errors as object).sort()).toEqual([
      "body.generation.citations.style",
      "body.generation.max_used_search_results",
    ]);
    const template = await rawRequest(engine, "POST", "/v2/corpora/kb/query", {
      query: "refunds",
      stream_response: true,
      generation: { prompt_template: '[{"role": "user", "content": "$vectaraQuery"}\n#foo\n]' },
    });
    expect(template.status).toBe(400);
    expect(template.json.field_errors).toEqual({
      "body.generation.prompt_template": "Syntax error at 2:1: unknown directive #foo",
    });
  });

  it("uses a custom template and disables the score on request", async () => {
    const { engine } = await engineWithKb();
    const res = await rawRequest(engine, "POST", "/v2/corpora/kb/query", {
      query: "refunds",
      generation: {
        prompt_template: VELOCITY_BRACES,
        enable_factual_consistency_score: false,
        generation_preset_name: "mockingbird-2.0",
      },
    });
    expect(res.status).toBe(200);
    expect(res.json.rendered_prompt).toBe('[{"role": "user", "content": "Q: refunds N: 2"}]');
    expect(res.json.factual_consistency_score).toBeUndefined();
    expect((res.json.summary as string).length).toBeGreaterThan(20);
  });
});

it("answers intelligent_query_rewriting without an LLM with the plain query and a warning", async () => {
  const { engine, client } = makeEngine();
  await seedCorpus(client, "kb", [coreDoc("r", ["Refunds are issued within five days."])]);
  const res = await rawRequest(engine, "POST", "/v2/corpora/kb/query", {
    query: "refunds",
    intelligent_query_rewriting: true,
  });
  expect(res.status).toBe(200);
  expect(res.json.warnings).toEqual(["intelligent_query_rewriting_failed"]);
  expect((res.json.search_results as unknown[]).length).toBe(1);
  const plain = await rawRequest(engine, "POST", "/v2/corpora/kb/query", { query: "refunds" });
  expect(plain.json.warnings).toBeUndefined();
});

describe("GET /v2/generation_presets", () => {
  it("lists the extractive preset as the default and Vectara names served by it, paged", async () => {
    const { engine } = makeEngine();
    const res = await rawRequest(engine, "GET", "/v2/generation_presets?limit=2");
    expect(res.status).toBe(200);
    const page = res.json as {
      generation_presets: Array<{ name: string; default: boolean; llm_name: string }>;
      metadata: { page_key?: string };
    };
    expect(page.generation_presets.map((p) => p.name)).toEqual([
      "parley-extractive",
      "mockingbird-2.0",
    ]);
    expect(page.generation_presets[0]?.default).toBe(true);
    const rest = await rawRequest(
      engine,
      "GET",
      `/v2/generation_presets?limit=100&page_key=${page.metadata.page_key}`,
    );
    const names = (rest.json.generation_presets as Array<{ name: string }>).map((p) => p.name);
    expect(names).toContain("vectara-summary-ext-24-05-med-omni");
    expect(names).not.toContain("parley-extractive");
    expect(rest.json.metadata).toEqual({});
    const filtered = await rawRequest(engine, "GET", "/v2/generation_presets?llm_name=nope");
    expect(filtered.json.generation_presets).toEqual([]);
    const badKey = await rawRequest(engine, "GET", "/v2/generation_presets?page_key=zzz");
    expect(badKey.status).toBe(400);
  });
});
