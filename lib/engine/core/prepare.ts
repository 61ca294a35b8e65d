import { type ChunkingStrategy, chunkText } from "./chunking";
import { errors } from "./errors";
import { DEFAULT_LANG, detectLanguage, isLangCode, type LangCode } from "./lang";

/**
 * Turns a Vectara `CreateDocumentRequest` (core or structured) into the rows the
 * store writes: sections, and parts with their platform fields (`lang`, `offset`,
 * `len`, `is_title`). Pure: no I/O, and it throws only EngineErrors.
 *
 * Offsets are character offsets (UTF-16 code units) into the document's text,
 * defined as its non-empty segments joined by "\n": for a core document the part
 * texts; for a structured one the title, the description, then each section's title
 * and text in document order (depth first).
 */
export type Metadata = Record<string, unknown>;
type Dimensions = Record<string, number>;

export interface CorePartInput {
  text: string;
  metadata?: Metadata | null;
  context?: string | null;
  custom_dimensions?: Dimensions | null;
  table_id?: string | null;
  image_id?: string | null;
}

export interface CoreDocumentInput {
  type: "core";
  id: string;
  metadata?: Metadata | null;
  tables?: unknown[] | null;
  document_parts: CorePartInput[];
}

export interface SectionInput {
  id?: number | null;
  title?: string | null;
  text: string;
  metadata?: Metadata | null;
  tables?: unknown[] | null;
  sections?: SectionInput[] | null;
}

export interface StructuredDocumentInput {
  type: "structured";
  id: string;
  title?: string | null;
  description?: string | null;
  metadata?: Metadata | null;
  custom_dimensions?: Dimensions | null;
  sections: SectionInput[];
  chunking_strategy?: ChunkingStrategy | null;
}

export type DocumentInput = CoreDocumentInput | StructuredDocumentInput;

export interface PreparedSection {
  /** The caller's section `id`, if any. */
  key?: number;
  title?: string;
  text: string;
}

export interface PreparedPart {
  text: string;
  /** The caller's part metadata (for structured documents: the section's, plus `section`). */
  metadata: Metadata;
  context?: string;
  customDimensions?: Dimensions;
  /**
   * Three-valued like Vectara's `part.is_title`: true for title parts, false for text
   * cut from a structured document, unset for core parts (which the caller shaped).
   */
  isTitle?: boolean;
  lang: LangCode;
  offset: number;
  len: number;
  /** Index into `PreparedDocument.sections`. */
  section?: number;
  /** The heading the part sits under, for the index's heading column. */
  heading: string;
}

export interface PreparedDocument {
  id: string;
  metadata: Metadata;
  /** The title the index weights: metadata `title` when it is a string. */
  title: string;
  /**
   * What the document says it is about, weighted in the document-level index: a
   * structured document's `description`, and metadata `description`/`summary` (front
   * matter) when they are strings.
   */
  description: string;
  /** A structured document's own `description` ("" for core documents). */
  statedDescription: string;
  tables: unknown[];
  sections: PreparedSection[];
  parts: PreparedPart[];
}

export interface PrepareOptions {
  /** The field blamed when the document has no text at all (`body.sections`, `body.file`). */
  emptyField?: string;
}

/** Only the first characters are read to guess a document's language. */
const LANG_SAMPLE_CHARS = 20_000;

export function prepareDocument(
  input: DocumentInput,
  options: PrepareOptions = {},
): PreparedDocument {
  const prepared =
    input.type === "core" ? prepareCore(input) : prepareStructured(input, options.emptyField);
  assignLanguages(prepared, input.metadata ?? {});
  return prepared;
}

function prepareCore(input: CoreDocumentInput): PreparedDocument {
  const metadata = { ...(input.metadata ?? {}) };
  let offset = 0;
  const parts = input.document_parts.map((p, i): PreparedPart => {
    if (p.text.trim() === "") {
      throw errors.field(`body.document_parts.${i}.text`, "must contain some text");
    }
    const part: PreparedPart = {
      text: p.text,
      metadata: { ...(p.metadata ?? {}) },
      context: p.context ?? undefined,
      customDimensions: nonEmpty(p.custom_dimensions),
      lang: "",
      offset,
      len: p.text.length,
      heading: "",
    };
    offset += p.text.length + 1;
    return part;
  });
  return {
    id: input.id,
    metadata,
    title: titleOf(metadata),
    description: descriptionOf(undefined, metadata),
    statedDescription: "",
    tables: [...(input.tables ?? [])],
    sections: [],
    parts,
  };
}

function prepareStructured(
  input: StructuredDocumentInput,
  emptyField = "body.sections",
): PreparedDocument {
  const metadata = { ...(input.metadata ?? {}) };
  const title = input.title?.trim() ?? "";
  if (title && metadata.title === undefined) metadata.title = title;
  const dims = nonEmpty(input.custom_dimensions);
  const strategy = input.chunking_strategy ?? undefined;
  const doc: PreparedDocument = {
    id: input.id,
    metadata,
    title: titleOf(metadata),
    description: descriptionOf(input.description, metadata),
    statedDescription: input.description?.trim() ?? "",
    tables: [],
    sections: [],
    parts: [],
  };
  let cursor = 0;
  /** Adds a segment to the document's text; returns where it starts. */
  const place = (segment: string) => {
    const base = cursor;
    cursor += segment.length + 1;
    return base;
  };
  const addChunks = (
    text: string,
    meta: Metadata,
    heading: string,
    section: number | undefined,
  ) => {
    if (text.trim() === "") return;
    const base = place(text);
    for (const chunk of chunkText(text, strategy)) {
      doc.parts.push({
        text: chunk.text,
        metadata: { ...meta },
        customDimensions: dims,
        isTitle: false,
        lang: "",
        offset: base + chunk.start,
        len: chunk.text.length,
        section,
        heading,
      });
    }
  };
  const addTitle = (raw: string, meta: Metadata, heading: string, section: number | undefined) => {
    const base = place(raw);
    const lead = raw.length - raw.trimStart().length;
    const text = raw.trim();
    doc.parts.push({
      text,
      metadata: { ...meta },
      customDimensions: dims,
      isTitle: true,
      lang: "",
      offset: base + lead,
      len: text.length,
      section,
      heading,
    });
  };

  if (title && input.title) addTitle(input.title, {}, "", undefined);
  if (input.description) addChunks(input.description, {}, "", undefined);

  // A part's heading is its own section's title: the store keeps no section tree, and
  // re-indexing (after a title change) must reproduce exactly what was indexed here.
  const visit = (s: SectionInput, inherited: Metadata, key: number | undefined) => {
    const ownKey = s.id ?? key;
    const ownTitle = s.title?.trim() || undefined;
    const index = doc.sections.length;
    doc.sections.push({ key: s.id ?? undefined, title: ownTitle, text: s.text });
    doc.tables.push(...(s.tables ?? []));
    // Section metadata goes to every part cut from the section, and from its subsections.
    const meta: Metadata = {
      ...inherited,
      ...(ownKey !== undefined ? { section: ownKey } : {}),
      ...(s.metadata ?? {}),
    };
    if (ownTitle && s.title) addTitle(s.title, meta, ownTitle, index);
    addChunks(s.text, meta, ownTitle ?? "", index);
    for (const child of s.sections ?? []) visit(child, meta, ownKey);
  };
  for (const s of input.sections) visit(s, {}, undefined);

  if (doc.parts.length === 0) {
    throw errors.field(emptyField, "the document has no text to index");
  }
  return doc;
}

/**
 * Part `lang` comes from part metadata `lang` (an ISO 639-3 code), else document
 * metadata `lang`, else the part's detected language, else the document's, else "eng".
 */
function assignLanguages(doc: PreparedDocument, docMetadata: Metadata): void {
  const given = isLangCode(docMetadata.lang) ? docMetadata.lang : undefined;
  const only = doc.parts.length === 1 ? doc.parts[0] : undefined;
  if (only && !given && !isLangCode(only.metadata.lang) && only.text.length < LANG_SAMPLE_CHARS) {
    // A single part is its document's whole sample: one detection says both.
    only.lang = detectLanguage(only.text) ?? DEFAULT_LANG;
    return;
  }
  let sample = "";
  for (const p of doc.parts) {
    if (sample.length >= LANG_SAMPLE_CHARS) break;
    sample += `${p.text}\n`;
  }
  const detected = given ?? detectLanguage(sample.slice(0, LANG_SAMPLE_CHARS)) ?? DEFAULT_LANG;
  for (const p of doc.parts) {
    if (isLangCode(p.metadata.lang)) p.lang = p.metadata.lang;
    else if (given) p.lang = given;
    else {
      const own = detectLanguage(p.text);
      // Kanji-only sentences in a Japanese document are Japanese.
      p.lang = own === "zho" && detected === "jpn" ? "jpn" : (own ?? detected);
    }
  }
}

const titleOf = (metadata: Metadata) => (typeof metadata.title === "string" ? metadata.title : "");

/** The stated description and metadata `description`/`summary`, each once. */
export function descriptionOf(stated: string | null | undefined, metadata: Metadata): string {
  const texts = [stated, metadata.description, metadata.summary]
    .filter((t): t is string => typeof t === "string")
    .map((t) => t.trim())
    .filter(Boolean);
  return [...new Set(texts)].join("\n");
}

function nonEmpty(d: Dimensions | null | undefined): Dimensions | undefined {
  return d && Object.keys(d).length > 0 ? { ...d } : undefined;
}
