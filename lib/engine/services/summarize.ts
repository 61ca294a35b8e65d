import { errors } from "../core/errors";
import {
  DEFAULT_SUMMARY_CHARS,
  DEFAULT_SUMMARY_INSTRUCTION,
  extractiveSummary,
  renderSummaryInstruction,
  SUMMARY_PROMPT_TEMPLATE,
  type SummaryPart,
} from "../core/generation/summary";
import { renderPrompt } from "../core/generation/template";
import { DEFAULT_LANG, detectLanguage } from "../core/lang";
import type { GenerationPreset, SearchResult } from "../ports";
import { listLeadingParts } from "../store/document-parts";
import { getDocumentByDocId } from "../store/documents";
import { callSignal, type EngineContext, requireCorpus } from "./context";

/**
 * `POST /v2/corpora/{key}/documents/{id}/summarize`: a summary of one document, by
 * the generator `llm_name` names. Planning (`planSummary`) decides every 400, 403 and
 * 404 before anything is streamed; `summarize` answers in one body, `streamSummary`
 * as `generation_chunk`… `generation_info`, `generation_end` (the SSE writer adds `end`).
 *
 * - Names: whatever `GET /v2/generation_presets` lists, as an `llm_name` (the
 *   extractive generator's, the configured model's) or as a preset name (`parley-llm`,
 *   Vectara's aliases), is served by that preset's generator; any other name is a 400
 *   on `body.llm_name`.
 * - The document is read up to its first `MAX_SUMMARY_PARTS` parts and
 *   `MAX_SUMMARY_CHARS` characters, so the cost is bounded whatever its size.
 * - Extractive (`core/generation/summary.ts`): the most representative sentences.
 *   The LLM: the configured generator (`EngineServices.generate`) given
 *   `SUMMARY_PROMPT_TEMPLATE`, with the rendered `prompt_template` as its task.
 */
export const MAX_SUMMARY_PARTS = 400;
export const MAX_SUMMARY_CHARS = 40_000;
/** The document's text goes to the model in pieces of about this size (one per "result"). */
const PIECE_CHARS = 4_000;
/** The extractive generator's name when the engine lists no presets (a hand-built handler). */
const EXTRACTIVE_NAME = "parley-extractive";

export interface SummarizeBody {
  llm_name: string;
  prompt_template?: string;
  model_parameters?: {
    max_tokens?: number;
    temperature?: number;
    frequency_penalty?: number;
    presence_penalty?: number;
  };
}

export interface SummaryPlan {
  /** The preset whose generator writes the summary. */
  preset: GenerationPreset | { name: string; llm_name: string };
  extractive: boolean;
  instruction: string;
  pieces: SearchResult[];
  parts: SummaryPart[];
  /** The prompt an LLM is (or would be) given: `rendered_prompt`. */
  renderedPrompt: string;
  modelParameters: SummarizeBody["model_parameters"];
}

export interface SummaryAnswer {
  summary: string;
  rendered_prompt: string;
}

export type SummaryEvent =
  | { type: "generation_chunk"; generation_chunk: string }
  | { type: "generation_info"; rendered_prompt: string }
  | { type: "generation_end" };

export function planSummary(
  ctx: EngineContext,
  corpusKey: string,
  documentId: string,
  body: SummarizeBody,
): SummaryPlan {
  const corpus = requireCorpus(ctx, corpusKey);
  const doc = getDocumentByDocId(ctx.db, { corpusId: corpus.id, docId: documentId });
  if (!doc) throw errors.notFound("Document", documentId);
  const preset = resolveGenerator(ctx.services.presets, body.llm_name);
  const instruction =
    body.prompt_template === undefined
      ? DEFAULT_SUMMARY_INSTRUCTION
      : renderSummaryInstruction(body.prompt_template, { id: doc.id, metadata: doc.metadata });
  ctx.deadline.check();

  const parts: SummaryPart[] = [];
  let chars = 0;
  for (const part of listLeadingParts(ctx.db, doc.rowId, MAX_SUMMARY_PARTS)) {
    if (chars >= MAX_SUMMARY_CHARS) break;
    const text = part.text.slice(0, MAX_SUMMARY_CHARS - chars);
    chars += text.length;
    parts.push({ text, isTitle: part.isTitle });
  }
  const pieces = piecesOf(parts, doc.id, doc.metadata);
  const langCode =
    detectLanguage(
      parts
        .map((p) => p.text)
        .join(" ")
        .slice(0, 4_000),
    ) ?? DEFAULT_LANG;
  const renderedPrompt = renderPrompt(SUMMARY_PROMPT_TEMPLATE, {
    query: instruction,
    results: pieces,
    history: [],
    langCode,
  }).text;
  return {
    preset,
    extractive: preset.llm_name === EXTRACTIVE_NAME,
    instruction,
    pieces,
    parts,
    renderedPrompt,
    modelParameters: body.model_parameters,
  };
}

/** The preset `llm_name` names (as an LLM name or a preset name), or a 400 on `body.llm_name`. */
function resolveGenerator(
  presets: GenerationPreset[] | undefined,
  name: string,
): SummaryPlan["preset"] {
  const listed = presets ?? [{ name: EXTRACTIVE_NAME, llm_name: EXTRACTIVE_NAME }];
  // An LLM name picks the preset that names it first (`parley-extractive`, `parley-llm`).
  const found = listed.find((p) => p.llm_name === name) ?? listed.find((p) => p.name === name);
  if (!found) {
    const names = [...new Set(listed.map((p) => p.llm_name))];
    throw errors.field(
      "body.llm_name",
      `'${name}' is not a generator of this engine; use ${names.map((n) => `'${n}'`).join(" or ")} (or a preset name GET /v2/generation_presets lists)`,
    );
  }
  return found;
}

/** The document's text in pieces of about `PIECE_CHARS`, as results the prompt template lists. */
function piecesOf(
  parts: SummaryPart[],
  documentId: string,
  metadata: Record<string, unknown>,
): SearchResult[] {
  const pieces: SearchResult[] = [];
  let text = "";
  const flush = () => {
    if (!text) return;
    pieces.push({
      text,
      score: 1,
      part_metadata: {},
      document_metadata: metadata,
      document_id: documentId,
      request_corpora_index: 0,
      corpus_key: "",
    });
    text = "";
  };
  for (const part of parts) {
    if (text && text.length + part.text.length > PIECE_CHARS) flush();
    text = text ? `${text}\n${part.text}` : part.text;
  }
  flush();
  return pieces;
}

export async function summarize(ctx: EngineContext, plan: SummaryPlan): Promise<SummaryAnswer> {
  let summary = "";
  await streamSummary(
    ctx,
    plan,
    (e) => {
      if (e.type === "generation_chunk") summary += e.generation_chunk;
    },
    ctx.signal,
  );
  return { summary, rendered_prompt: plan.renderedPrompt };
}

/**
 * The summary as events. Extractive summaries come in 3-word chunks, as extractive
 * answers do; an LLM's as it writes them. `signal` (the stream's own) stops the model.
 */
export async function streamSummary(
  ctx: EngineContext,
  plan: SummaryPlan,
  emit: (event: SummaryEvent) => void,
  signal: AbortSignal,
): Promise<void> {
  if (plan.extractive) {
    // `max_tokens` bounds the summary as it would a model's (about 4 characters a token).
    const maxTokens = plan.modelParameters?.max_tokens;
    const text = extractiveSummary(plan.parts, {
      maxChars: maxTokens
        ? Math.min(DEFAULT_SUMMARY_CHARS, Math.max(40, maxTokens * 4))
        : undefined,
    });
    ctx.deadline.check();
    for (const chunk of wordGroups(text))
      emit({ type: "generation_chunk", generation_chunk: chunk });
  } else {
    const generate = ctx.services.generate;
    if (!generate) throw errors.field("body.llm_name", "no generator is configured");
    const m = plan.modelParameters ?? {};
    for await (const e of generate({
      query: plan.instruction,
      results: plan.pieces,
      generation: {
        generation_preset_name: plan.preset.name,
        prompt_template: SUMMARY_PROMPT_TEMPLATE,
        max_used_search_results: plan.pieces.length,
        citations: { style: "none" },
        enable_factual_consistency_score: false,
        model_parameters: { llm_name: plan.preset.llm_name, ...m },
      },
      signal: callSignal(ctx, signal),
    })) {
      if (e.type === "chunk" && e.text)
        emit({ type: "generation_chunk", generation_chunk: e.text });
      ctx.deadline.check();
    }
  }
  emit({ type: "generation_info", rendered_prompt: plan.renderedPrompt });
  emit({ type: "generation_end" });
}

function wordGroups(text: string, words = 3): string[] {
  if (!text) return [];
  const tokens = text.match(/\S+\s*/g) ?? [text];
  const out: string[] = [];
  for (let i = 0; i < tokens.length; i += words) out.push(tokens.slice(i, i + words).join(""));
  return out;
}
