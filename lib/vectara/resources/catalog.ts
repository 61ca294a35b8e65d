import { nextKey, Page } from "../pagination";
import {
  type ListCatalogParams,
  listCatalogParamsSchema,
  listEncodersResponseSchema,
  listLlmsResponseSchema,
  listRerankersResponseSchema,
  llmIdSchema,
  llmSchema,
  type WireEncoder,
  type WireLlm,
  type WireReranker,
} from "../schemas/catalog";
import type { RequestOptions, Transport } from "../transport";
import { segment, validate } from "./validate";

/**
 * What an account (or Parley's engine) offers: rerankers for `search.reranker`, encoders
 * for corpora, LLMs for `generation.model_parameters.llm_name`. Read-only listings.
 */

export interface Reranker {
  id?: string;
  name: string;
  description?: string;
  enabled: boolean;
}

export interface Encoder {
  id?: string;
  name: string;
  type?: string;
  outputDimensions?: number;
  description?: string;
  enabled: boolean;
  /** Whether new corpora use it when they name none. */
  isDefault: boolean;
}

export interface Llm {
  id?: string;
  name: string;
  description?: string;
  enabled: boolean;
  /** Whether generation uses it when a request names none. */
  isDefault: boolean;
}

const opt = <T>(v: T | null | undefined): T | undefined => (v === null ? undefined : v);

export const toReranker = (r: WireReranker): Reranker => ({
  id: opt(r.id),
  name: r.name,
  description: opt(r.description),
  enabled: r.enabled ?? true,
});

export const toEncoder = (e: WireEncoder): Encoder => ({
  id: opt(e.id),
  name: e.name,
  type: opt(e.type),
  outputDimensions: opt(e.output_dimensions),
  description: opt(e.description),
  enabled: e.enabled ?? true,
  isDefault: e.default ?? false,
});

export const toLlm = (l: WireLlm): Llm => ({
  id: opt(l.id),
  name: l.name,
  description: opt(l.description),
  enabled: l.enabled ?? true,
  isDefault: l.default ?? false,
});

export class Rerankers {
  constructor(private readonly transport: Transport) {}

  async list(params: ListCatalogParams = {}, options?: RequestOptions): Promise<Page<Reranker>> {
    const query = validate(listCatalogParamsSchema, params, "query");
    const wire = await this.transport.json(
      { method: "GET", path: "/v2/rerankers", query, idempotent: true },
      listRerankersResponseSchema,
      options,
    );
    return new Page(
      (wire.rerankers ?? []).map(toReranker),
      nextKey(wire.metadata?.page_key),
      (page_key) => this.list({ ...params, page_key }, options),
    );
  }
}

export class Encoders {
  constructor(private readonly transport: Transport) {}

  async list(params: ListCatalogParams = {}, options?: RequestOptions): Promise<Page<Encoder>> {
    const query = validate(listCatalogParamsSchema, params, "query");
    const wire = await this.transport.json(
      { method: "GET", path: "/v2/encoders", query, idempotent: true },
      listEncodersResponseSchema,
      options,
    );
    return new Page(
      (wire.encoders ?? []).map(toEncoder),
      nextKey(wire.metadata?.page_key),
      (page_key) => this.list({ ...params, page_key }, options),
    );
  }
}

export class Llms {
  constructor(private readonly transport: Transport) {}

  async list(params: ListCatalogParams = {}, options?: RequestOptions): Promise<Page<Llm>> {
    const query = validate(listCatalogParamsSchema, params, "query");
    const wire = await this.transport.json(
      { method: "GET", path: "/v2/llms", query, idempotent: true },
      listLlmsResponseSchema,
      options,
    );
    return new Page((wire.llms ?? []).map(toLlm), nextKey(wire.metadata?.page_key), (page_key) =>
      this.list({ ...params, page_key }, options),
    );
  }

  /** By id (`llm_…`) or name; a NotFoundError when there is none. */
  async get(llmId: string, options?: RequestOptions): Promise<Llm> {
    const id = segment(llmIdSchema, llmId, "llm_id");
    const wire = await this.transport.json(
      { method: "GET", path: `/v2/llms/${id}`, idempotent: true },
      llmSchema,
      options,
    );
    return toLlm(wire);
  }
}
