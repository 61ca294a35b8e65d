import { compileFilter } from "../core/filter";
import type { CorpusQuery } from "../store/search";
import type { EngineContext } from "./context";

/**
 * `intelligent_query_rewriting` (tech preview in Vectara): before retrieval, the
 * LLM splits each corpus's query into a search query and a metadata filter over
 * that corpus's declared attributes. The extracted filter is compiled like any
 * caller filter and used only when the caller gave none for that corpus. It never
 * fails a request: without an LLM, or when the model errs or writes a filter that
 * does not compile, the plain query is used and the response carries the warning
 * `intelligent_query_rewriting_failed`.
 */
export interface RewrittenQuery {
  corpus_key: string;
  filter_extraction: { query: string; metadata_filter: string };
}
export interface Rewriting {
  warnings?: Array<"intelligent_query_rewriting_failed">;
  rewritten_queries?: RewrittenQuery[];
}

const FAILED = { warnings: ["intelligent_query_rewriting_failed" as const] };

/** Rewrites each corpus's query and filter in place when `p.rewrite` is set. */
export async function rewriteQueries(
  ctx: EngineContext,
  p: { rewrite?: boolean; corpora: CorpusQuery[] },
): Promise<Rewriting> {
  if (!p.rewrite) return {};
  const extract = ctx.services.extractFilter;
  if (!extract) return FAILED;
  const signal = ctx.deadline.signal() ?? new AbortController().signal;
  const rewritten: RewrittenQuery[] = [];
  let failed = false;
  for (const c of p.corpora) {
    try {
      const out = await extract({ query: c.query, attributes: c.corpus.filterAttributes, signal });
      const filter = compileFilter(out.metadata_filter, c.corpus.filterAttributes, {
        field: "metadata_filter",
        scope: "parts",
      });
      c.query = out.query;
      c.filter ??= filter;
      rewritten.push({ corpus_key: c.corpus.key, filter_extraction: out });
    } catch (error) {
      ctx.deadline.check();
      ctx.log(`engine: intelligent query rewriting failed: ${String(error)}`);
      failed = true;
    }
  }
  return {
    ...(failed ? FAILED : {}),
    ...(rewritten.length ? { rewritten_queries: rewritten } : {}),
  };
}
