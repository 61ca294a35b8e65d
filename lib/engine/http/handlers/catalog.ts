import { z } from "zod";
import { errors } from "../../core/errors";
import { decodePageKey, encodePageKey } from "../../core/paging";
import { compileUserRegex } from "../../core/regex";
import { createGenerator } from "../../generation";
import type { GenerationLlm } from "../../ports";
import { type Ctx, type Route, readQuery } from "../context";
import { json } from "../respond";

/**
 * What the engine offers, as Vectara lists it: `GET /v2/rerankers`, `GET /v2/encoders`,
 * `GET /v2/llms` and `GET /v2/llms/{llm_id}` (role serving, like generation presets).
 * Lists take `filter` (an RE2 regex, case-insensitive and unanchored, over name and
 * description: `core/regex.ts`), `limit` 1..100 (default 10) and an opaque `page_key`.
 * The catalogs are a handful of entries each, so a page is cut from the whole list.
 */

/** The base of a `Reranker`, `Encoder` or `LLM`: what `filter` reads. */
interface Entry {
  name: string;
  description: string;
}

/**
 * The rerankers `search.reranker` runs (`core/rerank.ts`). The ids of the multilingual
 * reranker and of MMR are Vectara's (`rnk_272725719`, `rnk_272725718`); Vectara lists no
 * id for the user-function and chain rerankers, which get the engine's own.
 */
export const RERANKERS = [
  {
    id: "rnk_272725719",
    name: "Rerank_Multilingual_v1",
    description:
      'Vectara\'s multilingual reranker name, for {"type": "customer_reranker"}. Served by Parley\'s built-in reranker (any reranker_name or reranker_id is): the retrieval score, in [0, 1], with limit and cutoff.',
    enabled: true,
  },
  {
    id: "rnk_272725718",
    name: "mmr",
    description:
      'Maximal marginal relevance, {"type": "mmr", "diversity_bias": 0..1}: similarity from embeddings when every result has one, else from stemmed term vectors.',
    enabled: true,
  },
  {
    id: "rnk_1",
    name: "userfn",
    description:
      'User-defined function, {"type": "userfn", "user_function": "..."}: an expression over the result (get(\'$.score\'), metadata, dates, math); a null score drops the result.',
    enabled: true,
  },
  {
    id: "rnk_2",
    name: "chain",
    description:
      'A chain of rerankers, {"type": "chain", "rerankers": [...]}, applied in order (at most 50 stages, nested at most 5 deep).',
    enabled: true,
  },
];

/** The corpora's default `encoder_name` (`store/migrations.ts`). */
export const LEXICAL_ENCODER = "parley-lexical";

/**
 * The lexical encoder every corpus has (BM25 over FTS5, no vectors), the default; and
 * with an embeddings endpoint (`EMBEDDING_MODEL`), that model, which embeds every
 * corpus's parts for hybrid retrieval.
 */
function encoders(ctx: Ctx) {
  const list = [
    {
      id: "enc_1",
      name: LEXICAL_ENCODER,
      type: "lexical",
      description:
        "Parley's built-in lexical index: BM25 over words, trigrams, sections and pages, with typo correction and synonyms. No vectors.",
      default: true,
      enabled: true,
    },
  ];
  const model = ctx.services.embedder?.model;
  if (model) {
    list.push({
      id: "enc_2",
      name: model,
      type: "openai-compatible",
      description: `The configured embeddings endpoint's model (${model}): every part is embedded, and queries blend it with the lexical score (lexical_interpolation).`,
      default: false,
      enabled: true,
    });
  }
  return list;
}

const EXTRACTIVE_ONLY = createGenerator().llms;
const llms = (ctx: Ctx): GenerationLlm[] => ctx.services.llms ?? EXTRACTIVE_ONLY;

const listQuerySchema = z.object({
  filter: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(100).default(10),
  page_key: z.string().optional(),
});

type ListName = "rerankers" | "encoders" | "llms";

/** A page key names its list and the index of the next entry to examine. */
const cursorOf =
  (list: ListName) =>
  (v: unknown): v is { list: ListName; from: number } =>
    typeof v === "object" &&
    v !== null &&
    (v as { list?: unknown }).list === list &&
    Number.isSafeInteger((v as { from?: unknown }).from) &&
    (v as { from: number }).from >= 0;

function listPage<T extends Entry>(ctx: Ctx, list: ListName, all: readonly T[]): Response {
  const q = readQuery(ctx, listQuerySchema);
  const matches = q.filter ? compileUserRegex(q.filter, "query.filter") : undefined;
  const from = decodePageKey(q.page_key, cursorOf(list))?.from ?? 0;
  const page: T[] = [];
  let next: number | undefined;
  for (let i = from; i < all.length; i++) {
    const entry = all[i] as T;
    if (matches && !matches(entry.name) && !matches(entry.description)) continue;
    if (page.length === q.limit) {
      next = i;
      break;
    }
    page.push(entry);
  }
  return json(200, {
    [list]: page,
    metadata: next !== undefined ? { page_key: encodePageKey({ list, from: next }) } : {},
  });
}

const llmIdSchema = z.string().min(1).max(500);

/** By id (`llm_…`) or by name, as the spec's `llm_id` is "the name of the LLM". */
function getLlm(ctx: Ctx): Response {
  const parsed = llmIdSchema.safeParse(ctx.params.llm_id);
  if (!parsed.success) throw errors.field("path.llm_id", "must be 1 to 500 characters");
  const llm = llms(ctx).find((l) => l.id === parsed.data || l.name === parsed.data);
  if (!llm) throw errors.notFound("LLM", parsed.data);
  return json(200, llm);
}

export const catalogRoutes: Route[] = [
  {
    method: "GET",
    pattern: "/v2/rerankers",
    role: "serving",
    handler: (ctx) => listPage(ctx, "rerankers", RERANKERS),
  },
  {
    method: "GET",
    pattern: "/v2/encoders",
    role: "serving",
    handler: (ctx) => listPage(ctx, "encoders", encoders(ctx)),
  },
  {
    method: "GET",
    pattern: "/v2/llms",
    role: "serving",
    handler: (ctx) => listPage(ctx, "llms", llms(ctx)),
  },
  { method: "GET", pattern: "/v2/llms/:llm_id", role: "serving", handler: getLlm },
];
