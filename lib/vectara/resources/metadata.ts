import { corpusKeySchema } from "../schemas/common";
import {
  type MetadataQueryRequest,
  metadataQueryRequestSchema,
  metadataQueryResponseSchema,
} from "../schemas/metadata";
import type { RequestOptions, Transport } from "../transport";
import { segment, validate } from "./validate";

/** A document (or, at part level, a part's document) found by a metadata query. */
export interface ScoredDocument {
  docId: string;
  /** Higher is closer; the results come highest first. */
  score: number;
  /** The document's metadata (the part's, at part level). */
  metadata: Record<string, unknown>;
}

export interface MetadataQueryResult {
  documents: ScoredDocument[];
  /** How many matched in all, for paging with `offset`. */
  totalCount: number;
}

/** `POST /v2/corpora/{corpus_key}/metadata_query` (Vectara's "metadata" API group). */
export class Metadata {
  constructor(private readonly transport: Transport) {}

  /** Fuzzy search over metadata fields, each query with its weight, after an exact `metadata_filter`. */
  async query(
    corpusKey: string,
    body: MetadataQueryRequest,
    options?: RequestOptions,
  ): Promise<MetadataQueryResult> {
    const key = segment(corpusKeySchema, corpusKey, "corpus_key");
    const request = validate(metadataQueryRequestSchema, body, "body");
    const wire = await this.transport.json(
      {
        method: "POST",
        path: `/v2/corpora/${key}/metadata_query`,
        body: request,
        idempotent: true,
      },
      metadataQueryResponseSchema,
      options,
    );
    const documents = (wire.documents ?? []).map((d) => ({
      docId: d.doc_id,
      score: d.score ?? 0,
      metadata: d.metadata ?? {},
    }));
    return { documents, totalCount: wire.total_count ?? documents.length };
  }
}
