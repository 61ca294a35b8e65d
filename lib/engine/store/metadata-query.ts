import { jsonPath } from "../core/filter/sql";
import { parseStoredObject } from "../core/json-bounds";
import { METADATA_MATCH_LIMITS, type MetadataValue } from "../core/metadata-match";
import type { DB } from "./db";

/**
 * The candidates of a metadata query (`POST /v2/corpora/{key}/metadata_query`): the
 * documents (or parts) of one corpus that hold at least one of the named top-level
 * metadata fields as text, a number, a boolean or a list, that pass the compiled
 * `metadata_filter`, in row order (oldest first), at most `cap`. Only the named fields
 * are read, clipped in SQL (a text to its first `valueChars` characters, a list to its
 * first `listElements` scalar elements), so no candidate's whole metadata is parsed here.
 */

export type MetadataQueryLevel = "document" | "part";

export interface MetadataCandidate {
  /** documents.id or parts.id. */
  rowId: number;
  docId: string;
  /** One per field, in the order asked. */
  values: MetadataValue[];
}

const SCALAR = "('text', 'integer', 'real', 'true', 'false')";

export function* scanMetadataCandidates(
  db: DB,
  {
    level,
    corpusId,
    fields,
    filter,
    cap,
  }: {
    level: MetadataQueryLevel;
    corpusId: number;
    fields: readonly string[];
    filter?: { sql: string; params: unknown[] };
    cap: number;
  },
): Generator<MetadataCandidate> {
  const m = level === "document" ? "d.metadata" : "p.metadata";
  // json_valid first: metadata stored before the nesting limits may be past SQLite's
  // JSON depth, and the JSON functions would throw on it (such a row has no fields).
  const type = `(CASE WHEN json_valid(${m}) THEN json_type(${m}, ?) END)`;
  const columns: string[] = [];
  const columnParams: unknown[] = [];
  fields.forEach((field, i) => {
    const path = jsonPath(field);
    columns.push(`${type} AS t${i}`);
    columnParams.push(path);
    columns.push(
      `(CASE WHEN json_valid(${m}) THEN
         CASE WHEN json_type(${m}, ?) IN ${SCALAR} THEN substr(json_extract(${m}, ?), 1, ${METADATA_MATCH_LIMITS.valueChars})
              WHEN json_type(${m}, ?) = 'array' THEN
                (SELECT json_group_array(substr(e.value, 1, ${METADATA_MATCH_LIMITS.valueChars}))
                 FROM (SELECT value FROM json_each(${m}, ?)
                       WHERE type IN ('text', 'integer', 'real')
                       LIMIT ${METADATA_MATCH_LIMITS.listElements}) e)
         END END) AS v${i}`,
    );
    columnParams.push(path, path, path, path);
  });
  const present = fields.map(() => `${type} IN ${SCALAR.slice(0, -1)}, 'array')`).join(" OR ");
  const presentParams = fields.map(jsonPath);
  const where = [level === "document" ? "d.corpus_id = ?" : "p.corpus_id = ?", `(${present})`];
  const whereParams: unknown[] = [corpusId, ...presentParams];
  if (filter) {
    where.push(`(${filter.sql})`);
    whereParams.push(...filter.params);
  }
  const from =
    level === "document" ? "documents d" : "parts p JOIN documents d ON d.id = p.document_id";
  const id = level === "document" ? "d.id" : "p.id";
  const rows = db
    .prepare(
      `SELECT ${id} AS row_id, d.doc_id AS doc_id, ${columns.join(", ")}
       FROM ${from} WHERE ${where.join(" AND ")} ORDER BY ${id} LIMIT ?`,
    )
    .iterate(...columnParams, ...whereParams, cap) as Iterable<Record<string, unknown>>;
  for (const row of rows) {
    yield {
      rowId: row.row_id as number,
      docId: row.doc_id as string,
      values: fields.map((_, i) => toValue(row[`t${i}`], row[`v${i}`])),
    };
  }
}

function toValue(type: unknown, value: unknown): MetadataValue {
  if (value === null || value === undefined) return undefined;
  if (type === "true") return "true";
  if (type === "false") return "false";
  if (type === "array") {
    const list = JSON.parse(String(value)) as unknown[];
    return list.map(String);
  }
  return String(value);
}

/** The whole metadata of some documents or parts, by row id (a page of results). */
export function readMetadataByRowIds(
  db: DB,
  level: MetadataQueryLevel,
  rowIds: readonly number[],
): Map<number, Record<string, unknown>> {
  if (rowIds.length === 0) return new Map();
  const table = level === "document" ? "documents" : "parts";
  const rows = db
    .prepare(`SELECT id, metadata FROM ${table} WHERE id IN (${rowIds.map(() => "?").join(", ")})`)
    .all(...rowIds) as Array<{ id: number; metadata: string }>;
  return new Map(rows.map((r) => [r.id, parseStoredObject(r.metadata)]));
}
