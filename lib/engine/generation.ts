import { z } from "zod";
import { sectionOf, segmentsOf } from "./core/context";
import { formatCitation, restyleCitations, stripCitations } from "./core/generation/citations";
import { composeExtractiveAnswer, NO_ANSWER } from "./core/generation/extractive";
import { factualConsistencyScore } from "./core/generation/fcs";
import {
  DEFAULT_MAX_USED_SEARCH_RESULTS,
  type GenerationParams,
  parseGenerationParams,
  requestedLlmName,
  templateOf,
} from "./core/generation/params";
import { renderAnswer } from "./core/generation/render";
import {
  CONTACT_DETAILS,
  CONTACT_QUERY,
  NO_CONTACT_REPLY,
  SMALL_TALK_REPLIES,
  smallTalkOf,
} from "./core/generation/smalltalk";
import {
  DEFAULT_PROMPT_TEMPLATE,
  type PromptMessage,
  renderPrompt,
} from "./core/generation/template";
import { DEFAULT_LANG, detectLanguage } from "./core/lang";
import type {
  ExtractFilterFn,
  GenerateFn,
  GenerationEvent,
  GenerationLlm,
  GenerationPreset,
  GenerationRequest,
  RephraseFn,
  SearchResult,
} from "./ports";
import type { Llm } from "./providers/llm";

/**
 * Answer generation behind the query (and chat) endpoints' `generate` seam. Every
 * request renders its prompt template (so `rendered_prompt` is always returned and
 * template errors are 400s), then one of two generators answers:
 * - extractive (default, no model): sentences of the results, chosen by
 *   `core/generation/extractive.ts`, each cited;
 * - the configured LLM, streaming the rendered messages, its `[n]` citations restyled.
 * Either way the factual consistency score (`core/generation/fcs.ts`) comes last.
 */
export interface Generator {
  generate: GenerateFn;
  /** Rewrites a follow-up into a standalone query; only with an LLM. */
  rephrase?: RephraseFn;
  /** `intelligent_query_rewriting`; only with an LLM. */
  extractFilter?: ExtractFilterFn;
  presets: GenerationPreset[];
  /** What `GET /v2/llms` lists and `generation.model_parameters.llm_name` may name. */
  llms: GenerationLlm[];
}

export const EXTRACTIVE_PRESET = "parley-extractive";
export const LLM_PRESET = "parley-llm";
/** Vectara preset names accepted as aliases of whatever generator is configured. */
export const VECTARA_PRESET_ALIASES = [
  "mockingbird-2.0",
  "vectara-summary-ext-24-05-med-omni",
  "vectara-summary-ext-24-05-large",
  "vectara-summary-ext-v1.2.0",
];

/** The id `GET /v2/llms` gives the extractive generator (Vectara's LLM ids match `llm_.*`). */
export const EXTRACTIVE_LLM_ID = `llm_${EXTRACTIVE_PRESET}`;
/** The id `GET /v2/llms` gives the configured LLM, whatever its model's name. */
export const CONFIGURED_LLM_ID = "llm_configured";

export function createGenerator(options: { llm?: Llm } = {}): Generator {
  const { llm } = options;
  const llms = listLlms(llm?.model);
  const names = llms.map((l) => l.name);
  const generate: GenerateFn = (request) => run(request, llm, names);
  return {
    generate,
    rephrase: llm ? (input) => rephraseWith(llm, input) : undefined,
    extractFilter: llm ? createFilterExtractor(llm) : undefined,
    presets: listPresets(llm?.model),
    llms,
  };
}

/**
 * The generators a request can name in `model_parameters.llm_name`: the extractive one
 * always (named like its preset, `parley-extractive`), and the configured LLM by its
 * model name (as presets give it in `llm_name`), then the default.
 */
function listLlms(llmModel?: string): GenerationLlm[] {
  const llms: GenerationLlm[] = [
    {
      id: EXTRACTIVE_LLM_ID,
      name: EXTRACTIVE_PRESET,
      description:
        "Built-in extractive generator: answers with the most relevant sentences of the top results, cited. No language model.",
      enabled: true,
      default: !llmModel,
    },
  ];
  if (llmModel && llmModel !== EXTRACTIVE_PRESET) {
    llms.push({
      id: CONFIGURED_LLM_ID,
      name: llmModel,
      description: `The configured OpenAI-compatible language model (${llmModel}), writing answers from the top results.`,
      enabled: true,
      default: true,
    });
  }
  return llms;
}

function listPresets(llmModel?: string): GenerationPreset[] {
  const base = {
    prompt_template: DEFAULT_PROMPT_TEMPLATE,
    max_used_search_results: DEFAULT_MAX_USED_SEARCH_RESULTS,
    enabled: true,
  };
  const served = llmModel ?? EXTRACTIVE_PRESET;
  const presets: GenerationPreset[] = [
    {
      ...base,
      name: EXTRACTIVE_PRESET,
      description:
        "Extractive answers: the most relevant sentences of the top results, cited. No language model.",
      llm_name: EXTRACTIVE_PRESET,
      default: !llmModel,
    },
  ];
  if (llmModel) {
    presets.push({
      ...base,
      name: LLM_PRESET,
      description: `Answers written by the configured language model (${llmModel}) from the top results, cited.`,
      llm_name: llmModel,
      default: true,
    });
  }
  for (const name of VECTARA_PRESET_ALIASES) {
    presets.push({
      ...base,
      name,
      description: `Vectara preset name, accepted for compatibility and served by ${served}.`,
      llm_name: served,
      default: false,
    });
  }
  return presets;
}

async function* run(
  request: GenerationRequest,
  llm: Llm | undefined,
  llmNames: readonly string[],
): AsyncGenerator<GenerationEvent> {
  const params = parseGenerationParams(request.generation);
  // `llm_name` overrides the preset's model (notes §2.1); an unknown name is a 400.
  const llmName = requestedLlmName(params, llmNames);
  const used = request.results.slice(
    0,
    params.max_used_search_results ?? DEFAULT_MAX_USED_SEARCH_RESULTS,
  );
  const langCode =
    params.response_language && params.response_language !== "auto"
      ? params.response_language
      : (detectLanguage(request.query) ?? DEFAULT_LANG);
  const prompt = renderPrompt(templateOf(params), {
    query: request.query,
    results: used,
    history: request.history ?? [],
    langCode,
    maxChars: params.max_response_characters ?? undefined,
  });
  const preset = params.generation_preset_name ?? params.prompt_name;
  const answerWith =
    llm && (llmName !== undefined ? llmName === llm.model : preset !== EXTRACTIVE_PRESET)
      ? llm
      : undefined;

  let plain = "";
  let score: number | undefined;
  if (answerWith) {
    for await (const chunk of streamLlm(answerWith, prompt.messages, request, params, used)) {
      if (chunk.type === "plain") plain += chunk.text;
      else yield { type: "chunk", text: chunk.text };
    }
    score = factualConsistencyScore(
      plain,
      used.map((r) => r.text),
    );
  } else {
    const answer = extractiveAnswer(request, params, used);
    plain = answer.plain;
    score = answer.score;
    for (const text of wordGroups(answer.styled)) yield { type: "chunk", text };
  }

  yield {
    type: "info",
    rendered_prompt: prompt.text,
    response_language: langCode,
    ...(request.rephrasedQuery !== undefined ? { rephrased_query: request.rephrasedQuery } : {}),
  };
  if (params.enable_factual_consistency_score !== false && score !== undefined) {
    yield { type: "factual_consistency_score", score };
  }
}

/**
 * The extractive answer, styled as requested and plain, with its score: how much of the
 * question it covers (`ExtractiveAnswer.coverage`), undefined when there is nothing to
 * score (no answer, small talk). Copied sentences are consistent with their sources by
 * construction, so a consistency score would always say 100%; coverage says whether
 * they are about the question at all.
 */
function extractiveAnswer(
  request: GenerationRequest,
  params: GenerationParams,
  used: SearchResult[],
): { styled: string; plain: string; score?: number } {
  const citations = params.citations ?? undefined;
  const cite = (n: number) => formatCitation(n, used[n - 1], citations);
  const talk = smallTalkOf(request.query);
  if (talk && talk !== "human") {
    const reply = SMALL_TALK_REPLIES[talk];
    return { styled: reply, plain: reply };
  }
  const answer = composeExtractiveAnswer({
    // History never enters the extractive answer; a rephrased query is already standalone.
    query: talk === "human" ? CONTACT_QUERY : (request.rephrasedQuery ?? request.query),
    texts: used.map((r) => r.text),
    // The parts behind each text, so sentences are split within a part, never across.
    parts: used.map((r) =>
      segmentsOf(r)?.map((s) => ({
        text: s.text,
        isTitle: s.match && r.part_metadata.is_title === true,
        match: s.match,
      })),
    ),
    sections: used.map((r) => sectionOf(r)),
    documents: used.map((r) => `${r.corpus_key}\u0000${r.document_id}`),
    titles: used.map((r) =>
      typeof r.document_metadata.title === "string" ? r.document_metadata.title : undefined,
    ),
    unknownWords: request.unknownWords,
    corrections: request.corrections,
    ...(talk === "human" ? { prefer: CONTACT_DETAILS } : {}),
    maxResults: used.length,
    maxChars: params.max_response_characters ?? undefined,
    citationWidth: (n) => cite(n).length,
  });
  if (talk === "human") {
    if (answer.sentences.length === 0) return { styled: NO_CONTACT_REPLY, plain: NO_CONTACT_REPLY };
    const rendered = renderAnswer(answer.sentences, cite);
    const lead = SMALL_TALK_REPLIES.human;
    return { styled: `${lead} ${rendered.styled}`, plain: `${lead} ${rendered.plain}` };
  }
  if (answer.sentences.length === 0) return { styled: NO_ANSWER, plain: NO_ANSWER };
  return { ...renderAnswer(answer.sentences, cite), score: roundScore(answer.coverage) };
}

const roundScore = (x: number) => Math.round(x * 10_000) / 10_000;

/** Streams as word groups, so clients see the answer arrive as it would from a model. */
function wordGroups(text: string, words = 3): string[] {
  const tokens = text.match(/\S+\s*/g) ?? [text];
  const out: string[] = [];
  for (let i = 0; i < tokens.length; i += words) out.push(tokens.slice(i, i + words).join(""));
  return out;
}

/** A possibly unfinished citation at the end of the text so far: hold it back. */
const OPEN_TAIL = /\s*(?:\[[\d\s,;]*)?$/;

async function* streamLlm(
  llm: Llm,
  messages: PromptMessage[],
  request: GenerationRequest,
  params: GenerationParams,
  used: SearchResult[],
): AsyncGenerator<{ type: "styled" | "plain"; text: string }> {
  const m = params.model_parameters ?? undefined;
  const citations = params.citations ?? undefined;
  let pending = "";
  const flush = function* (text: string) {
    if (!text) return;
    yield { type: "plain" as const, text: stripCitations(text) };
    const styled = restyleCitations(text, used, citations);
    if (styled) yield { type: "styled" as const, text: styled };
  };
  for await (const delta of llm.stream(messages, {
    signal: request.signal,
    maxTokens: m?.max_tokens ?? undefined,
    temperature: m?.temperature ?? undefined,
    frequencyPenalty: m?.frequency_penalty ?? undefined,
    presencePenalty: m?.presence_penalty ?? undefined,
  })) {
    pending += delta;
    const tail = OPEN_TAIL.exec(pending);
    const cut = tail && tail[0].length < 40 ? tail.index : pending.length;
    yield* flush(pending.slice(0, cut));
    pending = pending.slice(cut);
  }
  yield* flush(pending.trimEnd());
}

async function rephraseWith(llm: Llm, input: Parameters<RephraseFn>[0]): Promise<string> {
  if (input.history.length === 0) return input.query;
  const transcript = input.history
    .map((t) => `User: ${t.query}\nAssistant: ${t.answer}`)
    .join("\n");
  const text = await llm.complete(
    [
      {
        role: "system",
        content:
          "Rewrite the user's last message as one standalone search query that can be understood without the conversation. Resolve pronouns and references from the conversation. Reply with the query only, no quotes or explanations.",
      },
      { role: "user", content: `Conversation:\n${transcript}\n\nLast message: ${input.query}` },
    ],
    { signal: input.signal, temperature: 0, maxTokens: 200 },
  );
  const query = text
    .trim()
    .replace(/^["'“]+|["'”]+$/g, "")
    .trim();
  // A model that answers instead of rewriting would derail retrieval: keep the original.
  return query && query.length <= 5000 ? query : input.query;
}

const extractionSchema = z.object({
  query: z.string().max(5000),
  metadata_filter: z.string().max(8000).default(""),
});

/**
 * Filter extraction: the model splits a question into a search query and a
 * metadata filter over the corpus's declared attributes. Its output is untrusted:
 * parsed with zod here and compiled by the filter compiler by the caller.
 */
export function createFilterExtractor(llm: Llm): ExtractFilterFn {
  return async ({ query, attributes, signal }) => {
    const list = attributes
      .map(
        (a) =>
          `- ${a.level === "document" ? "doc" : "part"}.${a.name} (${a.type})${a.description ? `: ${a.description}` : ""}`,
      )
      .join("\n");
    const text = await llm.complete(
      [
        {
          role: "system",
          content: `You turn a search request into a search query and a metadata filter. Filterable attributes:\n${list}\nFilter syntax: comparisons like doc.year = 2023, part.lang = 'eng', doc.price < 10, combined with AND, OR, NOT and parentheses; text values in single quotes. Use only the listed attributes, and only for constraints the request states explicitly. Reply with JSON only: {"query": "<the request without the filtered constraints>", "metadata_filter": "<filter, or empty>"}`,
        },
        { role: "user", content: query },
      ],
      { signal, temperature: 0, maxTokens: 400 },
    );
    const json = /\{[\s\S]*\}/.exec(text)?.[0];
    if (!json) throw new Error("the model did not answer with JSON");
    const parsed = extractionSchema.parse(JSON.parse(json));
    return { query: parsed.query.trim() || query, metadata_filter: parsed.metadata_filter.trim() };
  };
}
