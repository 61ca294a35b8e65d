import { EngineError } from "@/lib/engine/core/errors";
import type { SectionInput } from "@/lib/engine/core/prepare";
import { detectFileKind, extractFile, type FileKind } from "@/lib/engine/extract";
import type { StructuredDocumentSection } from "@/lib/vectara/schemas/documents";

/**
 * What one file becomes: parsed text sent as a structured document (Markdown, HTML,
 * text), or raw bytes uploaded for the server to extract (PDF, DOCX — the server's
 * extractors are the ones that must agree with Vectara's, so we don't parse them here).
 */
export type ParsedFile =
  | {
      kind: "structured";
      title?: string;
      /** Front matter `description` (or `summary`): indexed as the document's description. */
      description?: string;
      metadata: Record<string, unknown>;
      sections: StructuredDocumentSection[];
    }
  | { kind: "upload"; mimeType: string };

const UPLOAD_MIME: Partial<Record<FileKind, string>> = {
  pdf: "application/pdf",
  docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
};

/**
 * Parses a file with the engine's own extractors (`lib/engine/extract`), so local and
 * ingested text read the same. Throws with a readable reason for an unsupported type
 * (a `.png`, or an image renamed `.txt`), bad front matter, or a file with no text.
 */
export async function parseFile(name: string, bytes: Uint8Array): Promise<ParsedFile> {
  const kind = detectFileKind({ name, type: "", bytes });
  const mimeType = UPLOAD_MIME[kind];
  if (mimeType) return { kind: "upload", mimeType };
  const doc = await extractFile({ name, type: "", bytes }).catch(plainError);
  const sections = doc.sections.map(toSection).filter(hasText);
  if (sections.length === 0) throw new Error("the file has no text to index");
  const description = [doc.metadata.description, doc.metadata.summary].find(
    (d): d is string => typeof d === "string" && d.trim() !== "",
  );
  return {
    kind: "structured",
    title: doc.title,
    ...(description ? { description: description.trim() } : {}),
    metadata: doc.metadata,
    sections,
  };
}

/**
 * The extractors answer as the upload endpoint does ("body.file: front matter is
 * not valid YAML: …"); a file's report says just what is wrong with the file.
 */
function plainError(error: unknown): never {
  const reason =
    error instanceof EngineError ? error.details.fieldErrors?.["body.file"] : undefined;
  throw reason ? new Error(reason) : error;
}

/**
 * Each section's heading is also put in its metadata (`heading`), which reaches every
 * part cut from it: a citation can then name the section an answer came from.
 */
function toSection(s: SectionInput): StructuredDocumentSection {
  const children = (s.sections ?? []).map(toSection).filter(hasText);
  const heading = s.title?.trim();
  const metadata = { ...s.metadata, ...(heading ? { heading } : {}) };
  return {
    ...(s.title ? { title: s.title } : {}),
    text: s.text,
    ...(Object.keys(metadata).length ? { metadata } : {}),
    ...(children.length ? { sections: children } : {}),
  };
}

function hasText(s: StructuredDocumentSection): boolean {
  return Boolean(s.title?.trim() || s.text.trim() || s.sections?.length);
}
