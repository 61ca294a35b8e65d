import { z } from "zod";
import { decodePageKey, encodePageKey } from "../../core/paging";
import { createGenerator } from "../../generation";
import { type Ctx, type Route, readQuery } from "../context";
import { json } from "../respond";

/**
 * `GET /v2/generation_presets` (role serving): what `generation_preset_name` can
 * name here. `parley-extractive` always; `parley-llm` when an LLM is configured
 * (then the default); and Vectara's preset names, served by the configured
 * generator. Generation accepts any other name too, as an alias of the default
 * (see docs/engine.md, "Answer generation"). `llm_name` filters exactly; pages are opaque
 * offset cursors.
 */
const listPresetsQuerySchema = z.object({
  llm_name: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(100).default(10),
  page_key: z.string().optional(),
});

const isCursor = (v: unknown): v is { offset: number } =>
  typeof v === "object" &&
  v !== null &&
  Number.isInteger((v as { offset?: unknown }).offset) &&
  (v as { offset: number }).offset >= 0;

const EXTRACTIVE_ONLY = createGenerator().presets;

function listGenerationPresets(ctx: Ctx): Response {
  const q = readQuery(ctx, listPresetsQuerySchema);
  const offset = decodePageKey(q.page_key, isCursor)?.offset ?? 0;
  const all = (ctx.services.presets ?? EXTRACTIVE_ONLY).filter(
    (p) => q.llm_name === undefined || p.llm_name === q.llm_name,
  );
  const page = all.slice(offset, offset + q.limit);
  const next = offset + q.limit;
  return json(200, {
    generation_presets: page,
    metadata: next < all.length ? { page_key: encodePageKey({ offset: next }) } : {},
  });
}

export const presetRoutes: Route[] = [
  {
    method: "GET",
    pattern: "/v2/generation_presets",
    role: "serving",
    handler: listGenerationPresets,
  },
];
