import { errors } from "../../core/errors";
import { compileFilter } from "../../core/filter";
import { checkJsonBounds, METADATA_BOUNDS } from "../../core/json-bounds";
import { decodePageKey, encodePageKey } from "../../core/paging";
import { type PreparedDocument, prepareDocument } from "../../core/prepare";
import type { CorpusRow } from "../../store/corpora";
import type { DB } from "../../store/db";
import {
  type DocumentFilter,
  type DocumentListCursor,
  type DocumentOrder,
  type DocumentRow,
  deleteDocumentByDocId,
  deleteDocumentsByCorpusId,
  getDocumentByDocId,
  getStorageUsageByRowIds,
  insertDocument,
  listDocumentsByCorpusId,
  listPartsByDocumentRowId,
  type PartRow,
  type StorageUsage,
  updateDocumentMetadataByDocId,
} from "../../store/documents";
import type { Ctx, Route } from "../context";
import { readJson, readQuery } from "../context";
import { json, noContent } from "../respond";
import {
  bulkDeleteQuerySchema,
  createDocumentSchema,
  listDocumentsQuerySchema,
  updateMetadataSchema,
} from "../schemas/documents";
import { requireCorpus } from "./corpora";

/**
 * Part metadata as Vectara shows it: the caller's part metadata (for structured
 * documents the section's, with `section`) plus the platform fields `lang`,
 * `offset`, `len` and, on title parts, `is_title`. Platform fields win a clash.
 */
export function toWirePart(p: PartRow) {
  return {
    text: p.text,
    metadata: {
      ...p.metadata,
      lang: p.lang,
      offset: p.offset,
      len: p.len,
      ...(p.isTitle ? { is_title: true } : {}),
    },
    ...(p.context !== undefined ? { context: p.context } : {}),
    ...(p.customDimensions ? { custom_dimensions: p.customDimensions } : {}),
  };
}

/**
 * Vectara's `Document`. Parts only on GET by id (the spec says so, and clients rely on
 * list items being light); `storage_usage` when indexing, as Vectara, and, unlike
 * Vectara, on list items; `created_at` (not Vectara's) on list items.
 */
export function toWireDocument(
  doc: DocumentRow,
  extra: { parts?: PartRow[]; storage?: StorageUsage; createdAt?: boolean } = {},
) {
  return {
    id: doc.id,
    metadata: doc.metadata,
    ...(extra.createdAt ? { created_at: doc.createdAt } : {}),
    ...(doc.tables.length ? { tables: doc.tables } : {}),
    ...(extra.parts ? { parts: extra.parts.map(toWirePart) } : {}),
    ...(extra.storage
      ? {
          storage_usage: {
            bytes_used: extra.storage.bytesUsed,
            metadata_bytes_used: extra.storage.metadataBytesUsed,
          },
        }
      : {}),
  };
}

/** Stores a prepared document and answers 201, or 409 when the id is taken. */
export function indexPrepared(db: DB, corpus: CorpusRow, document: PreparedDocument): Response {
  const stored = insertDocument(db, { corpusId: corpus.id, document });
  if (!stored) {
    throw errors.conflict(
      `A document with id '${document.id}' already exists in corpus '${corpus.key}'; delete it first to replace it`,
    );
  }
  return json(201, toWireDocument(stored.row, { storage: stored.storage }));
}

function requireDocument(ctx: Ctx, corpus: CorpusRow): DocumentRow {
  const docId = ctx.params.document_id ?? "";
  const doc = getDocumentByDocId(ctx.db, { corpusId: corpus.id, docId });
  if (!doc) throw errors.notFound("Document", docId);
  return doc;
}

function documentFilter(corpus: CorpusRow, input: string | undefined): DocumentFilter | undefined {
  return compileFilter(input, corpus.filterAttributes, {
    field: "query.metadata_filter",
    scope: "documents",
  });
}

async function create(ctx: Ctx) {
  const corpus = requireCorpus(ctx);
  const body = await readJson(ctx, createDocumentSchema);
  const prepared = prepareDocument(body);
  ctx.deadline.check();
  return indexPrepared(ctx.db, corpus, prepared);
}

type WireCursor = { after: string } | { before: number } | { title: string; after: string };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null;

/** A page key of the listing's own order: another order's key is a 400, never a wrong page. */
const cursorCheck: Record<DocumentOrder, (v: unknown) => v is WireCursor> = {
  id: (v): v is WireCursor => isObject(v) && typeof v.after === "string" && !("title" in v),
  newest: (v): v is WireCursor => isObject(v) && Number.isSafeInteger(v.before),
  title: (v): v is WireCursor =>
    isObject(v) && typeof v.title === "string" && typeof v.after === "string",
};

function toCursor(
  order: DocumentOrder,
  wire: WireCursor | undefined,
): DocumentListCursor | undefined {
  if (!wire) return undefined;
  if ("before" in wire) return { order: "newest", beforeRowId: wire.before };
  if ("title" in wire) return { order: "title", afterKey: wire.title, afterDocId: wire.after };
  return order === "id" ? { order: "id", afterDocId: wire.after } : undefined;
}

const toWireCursor = (
  order: DocumentOrder,
  last: DocumentRow & { titleKey: string },
): WireCursor =>
  order === "newest"
    ? { before: last.rowId }
    : order === "title"
      ? { title: last.titleKey, after: last.id }
      : { after: last.id };

/**
 * A page of the corpus's documents. Each carries its `storage_usage` (computed for the
 * page's documents) and `created_at`; `sort` (not Vectara's) picks the order.
 */
function list(ctx: Ctx) {
  const corpus = requireCorpus(ctx);
  const q = readQuery(ctx, listDocumentsQuerySchema);
  const filter = documentFilter(corpus, q.metadata_filter);
  const cursor = toCursor(q.sort, decodePageKey(q.page_key, cursorCheck[q.sort]));
  const rows = listDocumentsByCorpusId(ctx.db, {
    corpusId: corpus.id,
    order: q.sort,
    cursor,
    limit: q.limit + 1,
    filter,
  });
  const page = rows.slice(0, q.limit);
  const storage = getStorageUsageByRowIds(
    ctx.db,
    page.map((d) => d.rowId),
  );
  const last = page.at(-1);
  return json(200, {
    documents: page.map((d) =>
      toWireDocument(d, { storage: storage.get(d.rowId), createdAt: true }),
    ),
    metadata:
      rows.length > q.limit && last ? { page_key: encodePageKey(toWireCursor(q.sort, last)) } : {},
  });
}

function get(ctx: Ctx) {
  const doc = requireDocument(ctx, requireCorpus(ctx));
  return json(200, toWireDocument(doc, { parts: listPartsByDocumentRowId(ctx.db, doc) }));
}

function remove(ctx: Ctx) {
  const corpus = requireCorpus(ctx);
  const docId = ctx.params.document_id ?? "";
  if (!deleteDocumentByDocId(ctx.db, { corpusId: corpus.id, docId })) {
    throw errors.notFound("Document", docId);
  }
  return noContent();
}

/**
 * `DELETE …/documents?document_ids=a,b&metadata_filter=…`: deletes the named
 * documents that match the filter (either may be given alone; one is required, so
 * a bare DELETE cannot empty a corpus — that is `POST …/reset`). Unknown ids are
 * skipped. Always synchronous: `async=true` is accepted and still answers 200 `{}`.
 */
function bulkRemove(ctx: Ctx) {
  const corpus = requireCorpus(ctx);
  const q = readQuery(ctx, bulkDeleteQuerySchema, ["document_ids"]);
  const filter = documentFilter(corpus, q.metadata_filter);
  const docIds = q.document_ids?.length ? q.document_ids : undefined;
  if (!docIds && !filter) {
    throw errors.badRequest(
      "Say which documents to delete: document_ids, metadata_filter or both",
      {
        "query.document_ids": "is required unless metadata_filter is given",
      },
    );
  }
  deleteDocumentsByCorpusId(ctx.db, { corpusId: corpus.id, docIds, filter });
  return json(200, {});
}

function updateMetadata(mode: "merge" | "replace") {
  return async (ctx: Ctx) => {
    const corpus = requireCorpus(ctx);
    const body = await readJson(ctx, updateMetadataSchema);
    const docId = ctx.params.document_id ?? "";
    const current = mode === "merge" && getDocumentByDocId(ctx.db, { corpusId: corpus.id, docId });
    // A merge can outgrow the limits that each side is within (no await until the update).
    const problem =
      current && checkJsonBounds({ ...current.metadata, ...body.metadata }, METADATA_BOUNDS);
    if (problem)
      throw errors.field("body.metadata", `merged with the document's metadata ${problem}`);
    const doc = updateDocumentMetadataByDocId(ctx.db, {
      corpusId: corpus.id,
      docId,
      metadata: body.metadata,
      mode,
    });
    if (!doc) throw errors.notFound("Document", docId);
    return json(200, toWireDocument(doc));
  };
}

const DOCS = "/v2/corpora/:corpus_key/documents";
const DOC = `${DOCS}/:document_id`;

export const documentRoutes: Route[] = [
  { method: "POST", pattern: DOCS, role: "serving_and_indexing", handler: create },
  { method: "GET", pattern: DOCS, role: "serving", handler: list },
  { method: "DELETE", pattern: DOCS, role: "serving_and_indexing", handler: bulkRemove },
  { method: "GET", pattern: DOC, role: "serving", handler: get },
  { method: "DELETE", pattern: DOC, role: "serving_and_indexing", handler: remove },
  {
    method: "PATCH",
    pattern: DOC,
    role: "serving_and_indexing",
    handler: updateMetadata("merge"),
  },
  {
    method: "PUT",
    pattern: `${DOC}/metadata`,
    role: "serving_and_indexing",
    handler: updateMetadata("replace"),
  },
];
