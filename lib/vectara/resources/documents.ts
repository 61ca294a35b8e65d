import { z } from "zod";
import { type Document, type Metadata, toDocument } from "../domain";
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
import type { RequestOptions, Transport } from "../transport";
import { segment, validate } from "./validate";

const documentIdSchema = z.string().min(1).max(512);

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

  private path(corpusKey: string, documentId: string): string {
    const key = segment(corpusKeySchema, corpusKey, "corpus_key");
    const id = segment(documentIdSchema, documentId, "document_id");
    return `/v2/corpora/${key}/documents/${id}`;
  }
}
