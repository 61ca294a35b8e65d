import { type QueryAnswer, type QueryStreamEvent, toQueryAnswer } from "../domain";
import { corpusKeySchema } from "../schemas/common";
import {
  type QueryCorpusRequest,
  type QueryRequest,
  queryCorpusRequestSchema,
  queryFullResponseSchema,
  queryRequestSchema,
  type SearchCorpusParams,
  searchCorpusParamsSchema,
} from "../schemas/query";
import { EventStream } from "../stream";
import type { RequestOptions, Transport } from "../transport";
import { segment, validate } from "./validate";

/** Queries change nothing (unless history is saved), so they are retried like reads. */
export class Query {
  constructor(private readonly transport: Transport) {}

  /** `POST /v2/query`: search one or more corpora, with optional generation. */
  async query(body: QueryRequest, options?: RequestOptions): Promise<QueryAnswer> {
    const request = validate(queryRequestSchema, body, "body");
    const wire = await this.transport.json(
      {
        method: "POST",
        path: "/v2/query",
        body: { ...request, stream_response: false },
        idempotent: true,
      },
      queryFullResponseSchema,
      options,
    );
    return toQueryAnswer(wire);
  }

  async queryStream(
    body: QueryRequest,
    options?: RequestOptions,
  ): Promise<EventStream<QueryStreamEvent>> {
    const request = validate(queryRequestSchema, body, "body");
    const messages = await this.transport.stream(
      {
        method: "POST",
        path: "/v2/query",
        body: { ...request, stream_response: true },
        idempotent: true,
      },
      options,
    );
    return new EventStream<QueryStreamEvent>(messages);
  }

  /** `POST /v2/corpora/{key}/query`: one corpus, flat search parameters. */
  async corpus(
    corpusKey: string,
    body: QueryCorpusRequest,
    options?: RequestOptions,
  ): Promise<QueryAnswer> {
    const key = segment(corpusKeySchema, corpusKey, "corpus_key");
    const request = validate(queryCorpusRequestSchema, body, "body");
    const wire = await this.transport.json(
      {
        method: "POST",
        path: `/v2/corpora/${key}/query`,
        body: { ...request, stream_response: false },
        idempotent: true,
      },
      queryFullResponseSchema,
      options,
    );
    return toQueryAnswer(wire);
  }

  async corpusStream(
    corpusKey: string,
    body: QueryCorpusRequest,
    options?: RequestOptions,
  ): Promise<EventStream<QueryStreamEvent>> {
    const key = segment(corpusKeySchema, corpusKey, "corpus_key");
    const request = validate(queryCorpusRequestSchema, body, "body");
    const messages = await this.transport.stream(
      {
        method: "POST",
        path: `/v2/corpora/${key}/query`,
        body: { ...request, stream_response: true },
        idempotent: true,
      },
      options,
    );
    return new EventStream<QueryStreamEvent>(messages);
  }

  /** `GET /v2/corpora/{key}/query`: a plain search, no generation. */
  async search(
    corpusKey: string,
    params: SearchCorpusParams,
    options?: RequestOptions,
  ): Promise<QueryAnswer> {
    const key = segment(corpusKeySchema, corpusKey, "corpus_key");
    const query = validate(searchCorpusParamsSchema, params, "query");
    const wire = await this.transport.json(
      { method: "GET", path: `/v2/corpora/${key}/query`, query, idempotent: true },
      queryFullResponseSchema,
      options,
    );
    return toQueryAnswer(wire);
  }
}
