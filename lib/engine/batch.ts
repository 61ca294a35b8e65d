import { EngineError, errors } from "./core/errors";
import { type PreparedDocument, prepareDocument } from "./core/prepare";
import { assertJsonDepth, parseWith } from "./http/context";
import { toWireDocument } from "./http/handlers/documents";
import { createDocumentSchema } from "./http/schemas/documents";
import { getCorpusByKey } from "./store/corpora";
import type { DB } from "./store/db";
import { insertDocuments } from "./store/documents";

/**
 * Batch indexing, for in-process callers (first-start seeding, the ingest CLI in local
 * mode, benchmarks): many documents in the shape `POST /v2/corpora/{key}/documents`
 * takes, validated by the same schema and prepared by the same code, then written many
 * to a transaction with the statements prepared once. Vectara's API has no bulk create,
 * so neither does the engine's HTTP surface; this is the engine object's
 * `indexDocuments`.
 *
 * Each document gets its own result, as if it had been posted alone: 201 with the
 * create response's body, or the status and error body that request would have had
 * (400 for an invalid document, 409 for a taken id, also by an earlier document of the
 * same batch). One document's failure never stops the others.
 */
export interface BatchDocumentResult {
  /** Position in the input. */
  index: number;
  /** The document's id, when the input had a string one. */
  id?: string;
  status: number;
  /** On 201: what `POST …/documents` answers (`id`, `metadata`, `storage_usage`). */
  document?: ReturnType<typeof toWireDocument>;
  /** Otherwise: Vectara's error body, without a request id. */
  error?: { messages: string[]; field_errors?: Record<string, string> };
}

/**
 * Parts written per transaction. A transaction holds the database's write lock, so a
 * huge batch is cut into transactions of about this many parts (whole documents):
 * other writers (a chat turn) wait at most a fraction of a second.
 */
export const BATCH_PARTS = 4000;

export function indexDocumentBatch(
  db: DB,
  corpusKey: string,
  inputs: readonly unknown[],
): BatchDocumentResult[] {
  const corpus = getCorpusByKey(db, corpusKey);
  if (!corpus) throw errors.notFound("Corpus", corpusKey);
  const results: BatchDocumentResult[] = [];
  let pending: Array<{ index: number; document: PreparedDocument }> = [];
  let pendingParts = 0;
  const flush = () => {
    if (pending.length === 0) return;
    const stored = insertDocuments(
      db,
      corpus.id,
      pending.map((p) => p.document),
    );
    pending.forEach(({ index, document }, i) => {
      const s = stored[i];
      results[index] = s
        ? {
            index,
            id: document.id,
            status: 201,
            document: toWireDocument(s.row, { storage: s.storage }),
          }
        : failure(
            index,
            document.id,
            errors.conflict(
              `A document with id '${document.id}' already exists in corpus '${corpus.key}'; delete it first to replace it`,
            ),
          );
    });
    pending = [];
    pendingParts = 0;
  };
  inputs.forEach((input, index) => {
    const id = idOf(input);
    let document: PreparedDocument;
    try {
      const body = parseWith(createDocumentSchema, input, "body");
      assertJsonDepth(input, "body");
      document = prepareDocument(body);
    } catch (error) {
      if (!(error instanceof EngineError)) throw error;
      results[index] = failure(index, id, error);
      return;
    }
    pending.push({ index, document });
    pendingParts += document.parts.length;
    if (pendingParts >= BATCH_PARTS) flush();
  });
  flush();
  return results;
}

function idOf(input: unknown): string | undefined {
  if (typeof input !== "object" || input === null) return undefined;
  const id = (input as { id?: unknown }).id;
  return typeof id === "string" ? id : undefined;
}

function failure(index: number, id: string | undefined, error: EngineError): BatchDocumentResult {
  return {
    index,
    ...(id !== undefined ? { id } : {}),
    status: error.status,
    error: {
      messages: [error.message],
      ...(error.details.fieldErrors ? { field_errors: error.details.fieldErrors } : {}),
    },
  };
}
