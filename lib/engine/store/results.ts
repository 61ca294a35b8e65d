import { type ContextPlan, needsNeighbours, neighbourWindow } from "../core/context";
import type { DB } from "./db";
import type { Hit } from "./search";

/**
 * Reads what search results show: the part, its document, and (for
 * `context_configuration`) its neighbours. One query per batch of hits, never one
 * per hit.
 */
export interface LoadedHit extends Hit {
  text: string;
  partMetadata: Record<string, unknown>;
  documentMetadata: Record<string, unknown>;
  documentId: string;
  documentRowId: number;
  ordinal: number;
  offset: number;
  len: number;
}

interface Raw {
  id: number;
  text: string;
  metadata: string;
  is_title: number | null;
  lang: string;
  offset: number;
  len: number;
  ordinal: number;
  document_id: number;
  doc_id: string;
  doc_metadata: string;
}

/** The hits' rows, in the hits' order; a hit whose part vanished is skipped. */
export function loadHits(db: DB, hits: Hit[]): LoadedHit[] {
  if (hits.length === 0) return [];
  const rows = db
    .prepare(
      `SELECT p.id, p.text, p.metadata, p.is_title, p.lang, p.offset, p.len, p.ordinal,
              p.document_id, d.doc_id, d.metadata AS doc_metadata
       FROM json_each(?) j
       CROSS JOIN parts p ON p.id = j.value
       CROSS JOIN documents d ON d.id = p.document_id`,
    )
    .all(JSON.stringify(hits.map((h) => h.partId))) as Raw[];
  const byId = new Map(rows.map((r) => [r.id, r]));
  const out: LoadedHit[] = [];
  for (const h of hits) {
    const r = byId.get(h.partId);
    if (!r) continue;
    out.push({
      ...h,
      text: r.text,
      // As GET document shows parts: caller metadata, then the platform fields.
      partMetadata: {
        ...(JSON.parse(r.metadata) as Record<string, unknown>),
        lang: r.lang,
        offset: r.offset,
        len: r.len,
        ...(r.is_title === 1 ? { is_title: true } : {}),
      },
      documentMetadata: JSON.parse(r.doc_metadata) as Record<string, unknown>,
      documentId: r.doc_id,
      documentRowId: r.document_id,
      ordinal: r.ordinal,
      offset: r.offset,
      len: r.len,
    });
  }
  return out;
}

export interface Neighbours {
  before: string[];
  after: string[];
}

/**
 * The texts of the parts around each hit, in document order, as far as `plan`
 * reaches; aligned with `hits`.
 */
export function loadNeighbours(db: DB, hits: LoadedHit[], plan: ContextPlan): Neighbours[] {
  const out = hits.map((): Neighbours => ({ before: [], after: [] }));
  if (!needsNeighbours(plan) || hits.length === 0) return out;
  const windows = hits.map((h) => ({ d: h.documentRowId, ...neighbourWindow(plan, h) }));
  const rows = db
    .prepare(
      `SELECT j.key AS k, p.ordinal AS ordinal, p.text AS text
       FROM json_each(?) j
       CROSS JOIN parts p ON p.document_id = j.value ->> '$.d'
        AND p.ordinal BETWEEN j.value ->> '$.ordLo' AND j.value ->> '$.ordHi'
        AND p.offset + p.len >= j.value ->> '$.offLo'
        AND p.offset <= j.value ->> '$.offHi'
       ORDER BY j.key, p.ordinal`,
    )
    .all(JSON.stringify(windows)) as Array<{ k: number; ordinal: number; text: string }>;
  for (const r of rows) {
    const h = hits[r.k];
    const n = out[r.k];
    if (!h || !n) continue;
    if (r.ordinal < h.ordinal) n.before.push(r.text);
    else if (r.ordinal > h.ordinal) n.after.push(r.text);
  }
  return out;
}
