import { z } from "zod";
import { type Document, type Metadata, type StreamEvent, toDocument } from "../domain";
import { nextKey, Page } from "../pagination";
import { corpusKeySchema } from "../schemas/common";
import {
  type CreateDocumentRequest,
  createDocumentRequestSchema,
  documentSchema,
  type ListDocumentsParams,
  listDocumentsParamsSchema,
  listDocumentsResponseSchema,
  updateDocumentMetadataRequestSchema,
} from "../schemas/documents";
import {
  type SummarizeDocumentRequest,
  summarizeDocumentRequestSchema,
  summarizeDocumentResponseSchema,
} from "../schemas/summaries";
import { EventStream } from "../stream";
import type { RequestOptions, Transport } from "../transport";
import { segment, validate } from "./validate";

const documentIdSchema = z.string().min(1).max(512);

/** A document's summary (`SummarizeDocumentResponse`). */
export interface DocumentSummary {
  summary: string;
  renderedPrompt?: string;
}

/** The events of a streamed summary (`SummarizeDocumentStreamedResponse`). */
export type SummaryStreamEvent = Extract<
  StreamEvent,
  { type: "generation_chunk" | "generation_info" | "generation_end" | "end" }
>;

export class Documents {
  constructor(private readonly transport: Transport) {}

  /** Indexes a `core` or `structured` document. Not retried: a repeat would answer 409. */
  async create(
    corpusKey: string,
    body: CreateDocumentRequest,
    options?: RequestOptions,
  ): Promise<Document> {
    const key = segment(corpusKeySchema, corpusKey, "corpus_key");
    const request = validate(createDocumentRequestSchema, body, "body");
    const wire = await this.transport.json(
      { method: "POST", path: `/v2/corpora/${key}/documents`, body: request, idempotent: false },
      documentSchema,
      options,
    );
    return toDocument(wire);
  }

  async list(
    corpusKey: string,
    params: ListDocumentsParams = {},
    options?: RequestOptions,
  ): Promise<Page<Document>> {
    const key = segment(corpusKeySchema, corpusKey, "corpus_key");
    const query = validate(listDocumentsParamsSchema, params, "query");
    const wire = await this.transport.json(
      { method: "GET", path: `/v2/corpora/${key}/documents`, query, idempotent: true },
      listDocumentsResponseSchema,
      options,
    );
    return new Page(
      (wire.documents ?? []).map(toDocument),
      nextKey(wire.metadata?.page_key),
      (page_key) => this.list(corpusKey, { ...params, page_key }, options),
    );
  }

  async get(corpusKey: string, documentId: string, options?: RequestOptions): Promise<Document> {
    const path = this.path(corpusKey, documentId);
    const wire = await this.transport.json(
      { method: "GET", path, idempotent: true },
      documentSchema,
      options,
    );
    return toDocument(wire);
  }

  async delete(corpusKey: string, documentId: string, options?: RequestOptions): Promise<void> {
    const path = this.path(corpusKey, documentId);
    await this.transport.empty({ method: "DELETE", path, idempotent: true }, options);
  }

  /** Merges `metadata` into the document's metadata (PATCH). */
  async mergeMetadata(
    corpusKey: string,
    documentId: string,
    metadata: Metadata,
    options?: RequestOptions,
  ): Promise<Document> {
    const path = this.path(corpusKey, documentId);
    const body = validate(updateDocumentMetadataRequestSchema, { metadata }, "body");
    const wire = await this.transport.json(
      { method: "PATCH", path, body, idempotent: true },
      documentSchema,
      options,
    );
    return toDocument(wire);
  }

  /** Replaces the document's metadata (PUT): keys not given are removed. */
  async replaceMetadata(
    corpusKey: string,
    documentId: string,
    metadata: Metadata,
    options?: RequestOptions,
  ): Promise<Document> {
    const path = `${this.path(corpusKey, documentId)}/metadata`;
    const body = validate(updateDocumentMetadataRequestSchema, { metadata }, "body");
    const wire = await this.transport.json(
      { method: "PUT", path, body, idempotent: true },
      documentSchema,
      options,
    );
    return toDocument(wire);
  }

  /**
   * `POST …/documents/{id}/summarize`: a summary by the generator `llm_name` names.
   * Retried like a read: it changes nothing.
   */
  async summarize(
    corpusKey: string,
    documentId: string,
    body: SummarizeDocumentRequest,
    options?: RequestOptions,
  ): Promise<DocumentSummary> {
    const path = `${this.path(corpusKey, documentId)}/summarize`;
    const request = validate(summarizeDocumentRequestSchema, body, "body");
    const wire = await this.transport.json(
      { method: "POST", path, body: { ...request, stream_response: false }, idempotent: true },
      summarizeDocumentResponseSchema,
      options,
    );
    return {
      summary: wire.summary ?? "",
      ...(wire.rendered_prompt ? { renderedPrompt: wire.rendered_prompt } : {}),
    };
  }

  /** The summary as events: `generation_chunk`…, `generation_info`, `generation_end`, `end`. */
  async summarizeStream(
    corpusKey: string,
    documentId: string,
    body: SummarizeDocumentRequest,
    options?: RequestOptions,
  ): Promise<EventStream<SummaryStreamEvent>> {
    const path = `${this.path(corpusKey, documentId)}/summarize`;
    const request = validate(summarizeDocumentRequestSchema, body, "body");
    const messages = await this.transport.stream(
      { method: "POST", path, body: { ...request, stream_response: true }, idempotent: true },
      options,
    );
    return new EventStream<SummaryStreamEvent>(messages);
  }

  private path(corpusKey: string, documentId: string): string {
    const key = segment(corpusKeySchema, corpusKey, "corpus_key");
    const id = segment(documentIdSchema, documentId, "document_id");
    return `/v2/corpora/${key}/documents/${id}`;
  }
}
