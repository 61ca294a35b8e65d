import { type Corpus, type CorpusSize, toCorpus } from "../domain";
import { nextKey, Page } from "../pagination";
import { corpusKeySchema } from "../schemas/common";
import {
  type CreateCorpusRequest,
  computeCorpusSizeResponseSchema,
  corpusSchema,
  createCorpusRequestSchema,
  type FilterAttribute,
  type ListCorporaParams,
  listCorporaParamsSchema,
  listCorporaResponseSchema,
  replaceFilterAttributesRequestSchema,
  replaceFilterAttributesResponseSchema,
  type UpdateCorpusRequest,
  updateCorpusRequestSchema,
} from "../schemas/corpora";
import type { RequestOptions, Transport } from "../transport";
import { segment, validate } from "./validate";

export class Corpora {
  constructor(private readonly transport: Transport) {}

  /** Creates a corpus. Not retried: a repeat after a lost response would answer 409. */
  async create(body: CreateCorpusRequest, options?: RequestOptions): Promise<Corpus> {
    const request = validate(createCorpusRequestSchema, body, "body");
    const wire = await this.transport.json(
      { method: "POST", path: "/v2/corpora", body: request, idempotent: false },
      corpusSchema,
      options,
    );
    return toCorpus(wire);
  }

  async list(params: ListCorporaParams = {}, options?: RequestOptions): Promise<Page<Corpus>> {
    const query = validate(listCorporaParamsSchema, params, "query");
    const wire = await this.transport.json(
      { method: "GET", path: "/v2/corpora", query, idempotent: true },
      listCorporaResponseSchema,
      options,
    );
    return new Page(
      (wire.corpora ?? []).map(toCorpus),
      nextKey(wire.metadata?.page_key),
      (page_key) => this.list({ ...params, page_key }, options),
    );
  }

  async get(corpusKey: string, options?: RequestOptions): Promise<Corpus> {
    const key = segment(corpusKeySchema, corpusKey, "corpus_key");
    const wire = await this.transport.json(
      { method: "GET", path: `/v2/corpora/${key}`, idempotent: true },
      corpusSchema,
      options,
    );
    return toCorpus(wire);
  }

  async update(
    corpusKey: string,
    body: UpdateCorpusRequest,
    options?: RequestOptions,
  ): Promise<Corpus> {
    const key = segment(corpusKeySchema, corpusKey, "corpus_key");
    const request = validate(updateCorpusRequestSchema, body, "body");
    const wire = await this.transport.json(
      { method: "PATCH", path: `/v2/corpora/${key}`, body: request, idempotent: true },
      corpusSchema,
      options,
    );
    return toCorpus(wire);
  }

  async delete(corpusKey: string, options?: RequestOptions): Promise<void> {
    const key = segment(corpusKeySchema, corpusKey, "corpus_key");
    await this.transport.empty(
      { method: "DELETE", path: `/v2/corpora/${key}`, idempotent: true },
      options,
    );
  }

  /** Removes every document but keeps the corpus and its settings. */
  async reset(corpusKey: string, options?: RequestOptions): Promise<void> {
    const key = segment(corpusKeySchema, corpusKey, "corpus_key");
    await this.transport.empty(
      { method: "POST", path: `/v2/corpora/${key}/reset`, idempotent: true },
      options,
    );
  }

  /** Replaces the filter attributes; answers with the id of the re-indexing job. */
  async replaceFilterAttributes(
    corpusKey: string,
    filterAttributes: FilterAttribute[],
    options?: RequestOptions,
  ): Promise<{ jobId: string }> {
    const key = segment(corpusKeySchema, corpusKey, "corpus_key");
    const request = validate(
      replaceFilterAttributesRequestSchema,
      { filter_attributes: filterAttributes },
      "body",
    );
    const wire = await this.transport.json(
      {
        method: "POST",
        path: `/v2/corpora/${key}/replace_filter_attributes`,
        body: request,
        idempotent: true,
      },
      replaceFilterAttributesResponseSchema,
      options,
    );
    return { jobId: wire.job_id };
  }

  async computeSize(corpusKey: string, options?: RequestOptions): Promise<CorpusSize> {
    const key = segment(corpusKeySchema, corpusKey, "corpus_key");
    const wire = await this.transport.json(
      { method: "POST", path: `/v2/corpora/${key}/compute_size`, idempotent: true },
      computeCorpusSizeResponseSchema,
      options,
    );
    return {
      usedDocs: wire.used_docs ?? 0,
      usedParts: wire.used_parts ?? 0,
      usedCharacters: wire.used_characters ?? 0,
      usedMetadataCharacters: wire.used_metadata_characters ?? 0,
    };
  }
}
