import { errors } from "../core/errors";
import { compileFilter } from "../core/filter";
import {
  METADATA_MATCH_LIMITS,
  type MetadataFieldQuery,
  MetadataMatcher,
  queryWords,
} from "../core/metadata-match";
import {
  type MetadataQueryLevel,
  readMetadataByRowIds,
  scanMetadataCandidates,
} from "../store/metadata-query";
import { type EngineContext, requireCorpus } from "./context";

/**
 * Fuzzy search over a corpus's metadata (`POST /v2/corpora/{key}/metadata_query`):
 * candidates that hold a named field and pass `metadata_filter`
 * (`store/metadata-query.ts`, at most `MAX_METADATA_CANDIDATES`) are scored by
 * `core/metadata-match.ts`; results with a score above 0 are sorted by score (highest
 * first), then document id, then row order, and `offset`/`limit` cut the page.
 */

/** Candidates scored per request (documents, or parts at part level), oldest first. */
export const MAX_METADATA_CANDIDATES = 10_000;

export interface MetadataQueryInput {
  level: MetadataQueryLevel;
  queries: Array<{ field: string; query: string; weight: number }>;
  metadataFilter?: string;
  limit: number;
  offset: number;
}

export interface MetadataQueryResult {
  documents: Array<{ doc_id: string; score: number; metadata: Record<string, unknown> }>;
  total_count: number;
}

export function queryMetadata(
  ctx: EngineContext,
  corpusKey: string,
  input: MetadataQueryInput,
): MetadataQueryResult {
  const corpus = requireCorpus(ctx, corpusKey);
  const fieldQueries: MetadataFieldQuery[] = input.queries.map((q, i) => {
    const words = queryWords(q.query);
    if (words.length === 0) throw errors.field(`body.queries.${i}.query`, "has no words to match");
    if (words.length > METADATA_MATCH_LIMITS.queryWords) {
      throw errors.field(
        `body.queries.${i}.query`,
        `has more than ${METADATA_MATCH_LIMITS.queryWords} distinct words`,
      );
    }
    return { field: q.field, words, weight: q.weight };
  });
  const filter = compileFilter(input.metadataFilter, corpus.filterAttributes, {
    field: "body.metadata_filter",
    scope: input.level === "document" ? "documents" : "parts",
  });
  const fields = [...new Set(fieldQueries.map((q) => q.field))];
  const matcher = new MetadataMatcher(fieldQueries);
  const slot = fieldQueries.map((q) => fields.indexOf(q.field));
  ctx.deadline.check();

  const scored: Array<{ rowId: number; docId: string; score: number }> = [];
  let seen = 0;
  for (const c of scanMetadataCandidates(ctx.db, {
    level: input.level,
    corpusId: corpus.id,
    fields,
    filter,
    cap: MAX_METADATA_CANDIDATES,
  })) {
    if (++seen % 100 === 0) ctx.deadline.check();
    const score = matcher.score(slot.map((s) => c.values[s]));
    if (score > 0) scored.push({ rowId: c.rowId, docId: c.docId, score });
  }
  scored.sort(
    (a, b) =>
      b.score - a.score || (a.docId < b.docId ? -1 : a.docId > b.docId ? 1 : a.rowId - b.rowId),
  );
  const page = scored.slice(input.offset, input.offset + input.limit);
  const metadata = readMetadataByRowIds(
    ctx.db,
    input.level,
    page.map((r) => r.rowId),
  );
  return {
    documents: page.map((r) => ({
      doc_id: r.docId,
      score: Math.round(r.score * 1e6) / 1e6,
      metadata: metadata.get(r.rowId) ?? {},
    })),
    total_count: scored.length,
  };
}
