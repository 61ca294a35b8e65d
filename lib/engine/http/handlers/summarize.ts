import { z } from "zod";
import { planSummary, streamSummary, summarize } from "../../services/summarize";
import { type Ctx, engineContext, type Route, readJson } from "../context";
import { json } from "../respond";
import { streamEvents } from "../sse";
import { requireCorpus } from "./corpora";

/**
 * `POST /v2/corpora/{key}/documents/{id}/summarize` (role serving, as a query): parse,
 * plan (every 400, 403 and 404 before streaming), then `services/summarize.ts`;
 * `stream_response: true` sends `generation_chunk`…, `generation_info`,
 * `generation_end`, `end` (an error after the header: `error`, `end`).
 */
export const summarizeDocumentSchema = z.object({
  llm_name: z.string().min(1).max(200),
  prompt_template: z.string().max(10_000).optional(),
  model_parameters: z
    .looseObject({
      max_tokens: z.number().int().min(1).max(32_768).optional(),
      temperature: z.number().min(0).max(2).optional(),
      frequency_penalty: z.number().min(-2).max(2).optional(),
      presence_penalty: z.number().min(-2).max(2).optional(),
    })
    .optional(),
  stream_response: z.boolean().optional(),
});

async function summarizeDocument(ctx: Ctx): Promise<Response> {
  const corpus = requireCorpus(ctx);
  const body = await readJson(ctx, summarizeDocumentSchema);
  const engine = engineContext(ctx);
  const { max_tokens, temperature, frequency_penalty, presence_penalty } =
    body.model_parameters ?? {};
  const plan = planSummary(engine, corpus.key, ctx.params.document_id ?? "", {
    llm_name: body.llm_name,
    prompt_template: body.prompt_template,
    model_parameters: { max_tokens, temperature, frequency_penalty, presence_penalty },
  });
  if (body.stream_response === true) {
    return streamEvents((emit, signal) => streamSummary(engine, plan, emit, signal), engine.log);
  }
  return json(200, await summarize(engine, plan));
}

export const summarizeRoutes: Route[] = [
  {
    method: "POST",
    pattern: "/v2/corpora/:corpus_key/documents/:document_id/summarize",
    role: "serving",
    handler: summarizeDocument,
  },
];
