import { type ContextPlan, needsNeighbours, neighbourWindow } from "../core/context";
import { parseStoredObject } from "../core/json-bounds";
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
        ...parseStoredObject(r.metadata),
        lang: r.lang,
        offset: r.offset,
        len: r.len,
        ...(r.is_title === 1 ? { is_title: true } : {}),
      },
      documentMetadata: parseStoredObject(r.doc_metadata),
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

/** A part of the section around a hit, in document order. */
export interface SectionPart {
  text: string;
  isTitle: boolean;
  /** The hit's own part. */
  match: boolean;
}

/** Bounds on the text read around one hit: parts on each side, and characters in all. */
export const SECTION_WINDOW = { parts: 20, chars: 12_000 };
/** A document of at most this many parts is read whole (a help-centre article). */
export const WHOLE_DOCUMENT_PARTS = 60;

/**
 * What the answer generator may quote around each hit, in document order: the whole
 * document when it is short (`WHOLE_DOCUMENT_PARTS`: a support article, whose steps are
 * often in another section than the words that matched), else the section the hit was
 * cut from, around the hit (at most `SECTION_WINDOW`); undefined for a part outside any
 * section of a long document. One query.
 */
export function loadSections(db: DB, hits: LoadedHit[]): Array<SectionPart[] | undefined> {
  if (hits.length === 0) return [];
  const rows = db
    .prepare(
      `WITH h AS (
         SELECT j.key AS k, p.document_id AS document_id, p.section_id AS section_id,
                p.ordinal AS ordinal,
                (SELECT COUNT(*) FROM parts c WHERE c.document_id = p.document_id) <= ? AS whole
         FROM json_each(?) j CROSS JOIN parts p ON p.id = j.value)
       SELECT h.k AS k, p.id AS id, p.text AS text, p.is_title AS isTitle
       FROM h CROSS JOIN parts p ON p.document_id = h.document_id
         AND p.ordinal BETWEEN h.ordinal - ? AND h.ordinal + ?
       WHERE h.whole
          OR (p.section_id = h.section_id AND p.ordinal BETWEEN h.ordinal - ? AND h.ordinal + ?)
       ORDER BY h.k, p.ordinal`,
    )
    .all(
      WHOLE_DOCUMENT_PARTS,
      JSON.stringify(hits.map((h) => h.partId)),
      WHOLE_DOCUMENT_PARTS,
      WHOLE_DOCUMENT_PARTS,
      SECTION_WINDOW.parts,
      SECTION_WINDOW.parts,
    ) as Array<{ k: number; id: number; text: string; isTitle: number | null }>;
  const out: Array<SectionPart[] | undefined> = hits.map(() => undefined);
  for (const r of rows) {
    let list = out[r.k];
    if (!list) {
      list = [];
      out[r.k] = list;
    }
    list.push({ text: r.text, isTitle: r.isTitle === 1, match: r.id === hits[r.k]?.partId });
  }
  // Trim each window to the character budget, keeping the hit's part and what is nearest it.
  return out.map((list) => {
    if (!list) return undefined;
    let chars = list.reduce((n, p) => n + p.text.length, 0);
    let lo = 0;
    let hi = list.length - 1;
    const at = Math.max(
      0,
      list.findIndex((p) => p.match),
    );
    while (chars > SECTION_WINDOW.chars && hi > lo) {
      if (hi - at >= at - lo) chars -= (list[hi--] as SectionPart).text.length;
      else chars -= (list[lo++] as SectionPart).text.length;
    }
    return list.slice(lo, hi + 1);
  });
}
