import "server-only";
import { getConfig } from "@/lib/config";
import { AppError } from "@/lib/http/errors";
import { toAppError } from "@/lib/http/upstream-errors";
import { errorFields, getLogger } from "@/lib/observability/log";
import {
  ConflictError,
  type CorpusSize,
  type Document,
  type FilterAttribute,
  NotFoundError,
  type VectaraClient,
} from "@/lib/vectara";
import { DEFAULT_DOCUMENT_SORT, type DocumentSort } from "./document-sort";

/**
 * The admin's domain: the chatbot's corpus (overview, documents, upload, reset). Route handlers and server actions in app/(staff)/admin call these
 * after their guard; every failure leaves here as an AppError with a `:staff` code.
 * Unlike the visitor's errors, Vectara's own messages are shown: the reader is an
 * admin, who needs "invalid filter near 'x'" or "unsupported file type" verbatim.
 */

async function staff<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw toAppError(error, { audience: "admin" });
  }
}

interface CorpusArgs {
  client: VectaraClient;
  corpusKey?: string;
}

const defaults = ({ client, corpusKey }: CorpusArgs) => ({
  client,
  corpusKey: corpusKey ?? getConfig().vectara.corpusKey,
});

// ------------------------------------------------------------------ corpus

export interface CorpusOverview {
  key: string;
  name?: string;
  description?: string;
  enabled: boolean;
  filterAttributes: FilterAttribute[];
  size: CorpusSize;
}

export async function getCorpusOverview(args: CorpusArgs): Promise<CorpusOverview> {
  const { client, corpusKey } = defaults(args);
  return staff(async () => {
    const [corpus, size] = await Promise.all([
      client.corpora.get(corpusKey),
      client.corpora.computeSize(corpusKey),
    ]);
    return {
      key: corpus.key,
      name: corpus.name,
      description: corpus.description,
      enabled: corpus.enabled,
      filterAttributes: corpus.filterAttributes,
      size,
    };
  });
}

/** One row of the admin's document list. */
export interface AdminDocument {
  id: string;
  title?: string;
  category?: string;
  updated?: string;
  /** When this version entered the corpus (ISO 8601): Parley's engine says, Vectara does not. */
  indexedAt?: string;
  /**
   * The document's size as Vectara counts it: the UTF-8 bytes of its indexed text (every
   * part's text and context), metadata not included. Parley's engine lists it (its
   * `storage_usage.bytes_used`); Vectara's list items carry none, so there it is summed
   * from the document's parts. Absent only when neither could be read.
   */
  bytes?: number;
}

export interface AdminDocumentPage {
  documents: AdminDocument[];
  nextPageKey: string | null;
  /** The order the page is in: a sort, or Vectara's own (remote mode takes no order). */
  order: DocumentSort | "vectara";
}

const text = (value: unknown): string | undefined =>
  typeof value === "string" && value.trim() ? value.trim() : undefined;

function toAdminDocument(doc: Document): AdminDocument {
  const updated = doc.metadata.updated;
  return {
    id: doc.id,
    title: text(doc.metadata.title),
    category: text(doc.metadata.category),
    updated: text(updated) ?? (typeof updated === "number" ? String(updated) : undefined),
    indexedAt: doc.createdAt,
    bytes: doc.storage?.bytesUsed,
  };
}

/** UTF-8 bytes of a document's parts' text and context: what `bytes_used` counts. */
export function textBytesOfParts(parts: { text: string; context?: string }[]): number {
  let total = 0;
  for (const p of parts) {
    total += Buffer.byteLength(p.text, "utf8") + Buffer.byteLength(p.context ?? "", "utf8");
  }
  return total;
}

/**
 * Sizes Vectara's list left out, from each document's parts (GET by id), a few at a
 * time. A document that cannot be read keeps no size: the list still shows.
 */
async function fillSizes(
  client: VectaraClient,
  corpusKey: string,
  documents: AdminDocument[],
): Promise<AdminDocument[]> {
  const missing = documents.filter((d) => d.bytes === undefined);
  let next = 0;
  const sizes = new Map<string, number>();
  const worker = async () => {
    while (next < missing.length) {
      const doc = missing[next++] as AdminDocument;
      try {
        sizes.set(doc.id, textBytesOfParts((await client.documents.get(corpusKey, doc.id)).parts));
      } catch (error) {
        getLogger().error(
          { document_id: doc.id, ...errorFields(error) },
          "could not read the size of a document",
        );
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(4, missing.length) }, worker));
  return documents.map((d) => (sizes.has(d.id) ? { ...d, bytes: sizes.get(d.id) } : d));
}

export const DOCUMENT_PAGE_SIZE = 25;

/** Whether the listing can be sorted: only Parley's engine takes an order. */
export const canSortDocuments = (): boolean => getConfig().mode === "local";

/**
 * A page of the corpus's documents; `filter` is a Vectara metadata filter
 * (`doc.category = 'billing'`). The engine sorts and pages server-side, so each page
 * continues the order (newest indexed first by default). Vectara takes no order: there
 * `sort` is not sent, and each page comes in Vectara's order with sizes filled in.
 */
export async function listCorpusDocuments({
  filter,
  pageKey,
  sort = DEFAULT_DOCUMENT_SORT,
  limit = DOCUMENT_PAGE_SIZE,
  sortable = canSortDocuments(),
  ...args
}: CorpusArgs & {
  filter?: string;
  pageKey?: string;
  sort?: DocumentSort;
  limit?: number;
  /** Whether the server takes `sort` (Parley's engine); by default, in local mode. */
  sortable?: boolean;
}): Promise<AdminDocumentPage> {
  const { client, corpusKey } = defaults(args);
  return staff(async () => {
    const page = await client.documents.list(corpusKey, {
      limit,
      ...(filter?.trim() ? { metadata_filter: filter.trim() } : {}),
      ...(pageKey ? { page_key: pageKey } : {}),
      ...(sortable ? { sort } : {}),
    });
    const documents = await fillSizes(client, corpusKey, page.items.map(toAdminDocument));
    return {
      documents,
      nextPageKey: page.nextPageKey ?? null,
      order: sortable ? sort : "vectara",
    };
  });
}

export async function deleteCorpusDocument({
  documentId,
  ...args
}: CorpusArgs & { documentId: string }): Promise<void> {
  const { client, corpusKey } = defaults(args);
  await staff(() => client.documents.delete(corpusKey, documentId));
}

/** Deletes every document of the corpus; `confirmation` must repeat the corpus key. */
export async function resetCorpus({
  confirmation,
  ...args
}: CorpusArgs & { confirmation: string }): Promise<void> {
  const { client, corpusKey } = defaults(args);
  if (confirmation.trim() !== corpusKey) {
    throw new AppError("bad_request:staff", `Type the corpus key “${corpusKey}” to confirm.`, {
      fieldErrors: { confirmation: "does not match the corpus key" },
    });
  }
  await staff(() => client.corpora.reset(corpusKey));
}

// ------------------------------------------------------------------ upload

/** Vectara's limit for one uploaded file. */
export const UPLOAD_MAX_BYTES = 10 * 1024 * 1024;
export const UPLOAD_EXTENSIONS = ["md", "markdown", "html", "htm", "txt", "pdf", "docx"] as const;

const extensionOf = (name: string): string =>
  /\.([A-Za-z0-9]+)$/.exec(name)?.[1]?.toLowerCase() ?? "";

/**
 * The document id an uploaded file gets: `uploads/<slug>.<ext>`. The same file name
 * always gives the same id, so uploading a file again replaces its earlier version.
 */
export function documentIdForUpload(fileName: string): string {
  const base = fileName.split(/[\\/]/).pop() ?? fileName;
  const ext = extensionOf(base);
  const stem = ext ? base.slice(0, -(ext.length + 1)) : base;
  const slug =
    stem
      .normalize("NFKD")
      .replace(/[\u0300-\u036f]/g, "")
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, 100) || "file";
  return `uploads/${slug}${ext ? `.${ext}` : ""}`;
}

/** Why a file cannot be uploaded, or undefined when it can. */
export function checkUploadFile(file: { name: string; size: number }): string | undefined {
  const ext = extensionOf(file.name);
  if (!(UPLOAD_EXTENSIONS as readonly string[]).includes(ext)) {
    return `“${file.name}” is not a supported file type. Upload ${UPLOAD_EXTENSIONS.join(", ")}.`;
  }
  if (file.size === 0) return `“${file.name}” is empty.`;
  if (file.size > UPLOAD_MAX_BYTES) {
    return `“${file.name}” is larger than ${UPLOAD_MAX_BYTES / 1024 / 1024} MB.`;
  }
  return undefined;
}

export interface UploadResult {
  documentId: string;
  title?: string;
  /** True when a document with this id existed and was replaced. */
  replaced: boolean;
  bytes?: number;
  /** The document as the list shows it, so the list can show it before its next page load. */
  document: AdminDocument;
}

/**
 * Uploads one file; the server extracts its text (and, for Markdown, its front matter
 * as metadata). Vectara answers 409 for an id that exists, so a re-upload deletes the
 * old version first: for that moment the document is absent from answers.
 */
export async function uploadCorpusFile({
  file,
  ...args
}: CorpusArgs & { file: File }): Promise<UploadResult> {
  const { client, corpusKey } = defaults(args);
  const problem = checkUploadFile(file);
  if (problem) throw new AppError("bad_request:staff", problem);
  const documentId = documentIdForUpload(file.name);
  const upload = () =>
    client.upload.file(
      corpusKey,
      { name: file.name, data: file, type: file.type || undefined },
      { filename: documentId },
    );
  return staff(async () => {
    let replaced = false;
    let doc: Document;
    try {
      doc = await upload();
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
      await client.documents.delete(corpusKey, documentId).catch((e: unknown) => {
        // Someone else deleted it in between: fine, the upload below recreates it.
        if (!(e instanceof NotFoundError)) throw e;
      });
      replaced = true;
      doc = await upload();
    }
    return {
      documentId: doc.id,
      title: text(doc.metadata.title),
      replaced,
      bytes: doc.storage?.bytesUsed,
      document: toAdminDocument(doc),
    };
  });
}
