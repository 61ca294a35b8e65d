import { errors } from "../core/errors";
import { extractDocx } from "./docx";
import { extractHtml } from "./html";
import { extractMarkdown } from "./markdown";
import type { ExtractedDocument } from "./outline";
import { extractPdf } from "./pdf";
import { sniffContent } from "./sniff";
import { decodeText, extractPlainText } from "./text";

export type { ExtractedDocument } from "./outline";

export type FileKind = "markdown" | "html" | "text" | "pdf" | "docx";

export const SUPPORTED_FILE_TYPES =
  "Markdown (.md, text/markdown), HTML (.html, .htm, text/html), plain text (.txt, text/*), " +
  "PDF (.pdf, application/pdf) and Word (.docx)";

const DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

const BY_MIME: Record<string, FileKind> = {
  "text/markdown": "markdown",
  "text/x-markdown": "markdown",
  "text/html": "html",
  "application/xhtml+xml": "html",
  "text/plain": "text",
  "application/pdf": "pdf",
  [DOCX_MIME]: "docx",
};

const BY_EXTENSION: Record<string, FileKind> = {
  md: "markdown",
  markdown: "markdown",
  mdown: "markdown",
  mkd: "markdown",
  html: "html",
  htm: "html",
  xhtml: "html",
  txt: "text",
  text: "text",
  log: "text",
  csv: "text",
  pdf: "pdf",
  docx: "docx",
};

/**
 * Types that say nothing about the content. A multipart part sent without a
 * Content-Type reads as text/plain (the Fetch standard's default), so text/plain
 * says nothing either.
 */
const GENERIC_MIME = new Set(["", "application/octet-stream", "binary/octet-stream", "text/plain"]);

const LABEL: Record<FileKind, string> = {
  markdown: "Markdown",
  html: "HTML",
  text: "text",
  pdf: "PDF",
  docx: "a Word document",
};

const TEXT_KINDS: ReadonlySet<FileKind> = new Set(["markdown", "html", "text"]);

export interface UploadedFile {
  name: string;
  /** The MIME type the client declared; may be empty or generic. */
  type: string;
  bytes: Uint8Array;
}

/**
 * What the upload says it is: a specific MIME type, else the file extension, else
 * nothing (undefined). A type or extension this engine does not read comes back
 * quoted, for the refusal.
 */
function declaredKind(mime: string, ext: string): FileKind | string | undefined {
  if (!GENERIC_MIME.has(mime)) {
    const byMime = BY_MIME[mime];
    if (byMime) return byMime;
    const text = mime.startsWith("text/") && mime !== "text/rtf" && mime !== "text/richtext";
    return text ? "text" : `'${mime}'`;
  }
  if (!ext) return undefined;
  return BY_EXTENSION[ext] ?? `'.${ext}'`;
}

const isKind = (value: string): value is FileKind => Object.hasOwn(LABEL, value);

/**
 * Picks the extractor from the content, checked against what the upload declares.
 * The bytes are sniffed (`sniff.ts`): PDF, DOCX (a ZIP with `word/document.xml`),
 * or text (valid UTF-8 without NUL in the first 8 KB); anything else is a 415,
 * whatever its name or type. The declaration is a specific MIME type, else the
 * extension (text/plain and octet-stream say nothing: a part sent without a
 * Content-Type reads as text/plain). With none, the content decides (HTML when it
 * opens with `<!doctype html` or `<html`, else plain text). A declared type this
 * engine does not read (`.rtf`, application/msword), or one the content
 * contradicts (text named `.pdf`, a PDF named `.md`), is a 415 too: a mislabelled
 * file is refused, never reinterpreted. Markdown, HTML and text are one family:
 * the declaration picks among them.
 */
export function detectFileKind(file: UploadedFile): FileKind {
  const mime = file.type.split(";")[0]?.trim().toLowerCase() ?? "";
  const suffix = /\.([a-z0-9]{1,10})$/i.exec(file.name)?.[1]?.toLowerCase() ?? "";
  // A numeric suffix ("release-1.2") is a version, not a type.
  const ext = /^\d+$/.test(suffix) ? "" : suffix;
  const content = sniffContent(file.bytes);
  const declared = declaredKind(mime, ext);
  const refuse = (why: string) =>
    errors.unsupportedMediaType(
      `Unsupported file '${file.name}': ${why}. Supported: ${SUPPORTED_FILE_TYPES}.`,
    );

  if (content.kind === "unsupported") throw refuse(`the content is ${content.what}`);
  if (declared !== undefined && !isKind(declared)) {
    throw refuse(`this engine does not read the type ${declared}`);
  }
  const sniffed: FileKind =
    content.kind === "text" ? (content.html ? "html" : "text") : content.kind;
  if (declared === undefined) return sniffed;
  const agrees = content.kind === "text" ? TEXT_KINDS.has(declared) : declared === content.kind;
  if (!agrees) {
    const said = GENERIC_MIME.has(mime) ? `'.${ext}'` : `'${mime}'`;
    const is = content.kind === "text" ? "text" : LABEL[content.kind];
    throw refuse(`it is declared as ${LABEL[declared]} (${said}) but the content is ${is}`);
  }
  return declared;
}

/** Extracts the text and structure of an uploaded file. */
export async function extractFile(file: UploadedFile): Promise<ExtractedDocument> {
  const kind = detectFileKind(file);
  const doc = await extractByKind(kind, file.bytes);
  const title = doc.title ?? doc.firstHeading;
  if (title && doc.metadata.title === undefined) doc.metadata = { ...doc.metadata, title };
  // A stated title that repeats the first heading would be indexed twice as a title part.
  const first = doc.sections[0]?.title;
  if (doc.title && first && norm(doc.title) === norm(first)) doc.title = undefined;
  return doc;
}

function extractByKind(kind: FileKind, bytes: Uint8Array): Promise<ExtractedDocument> {
  switch (kind) {
    case "markdown":
      return Promise.resolve(extractMarkdown(decodeText(bytes)));
    case "html":
      return Promise.resolve(extractHtml(decodeText(bytes)));
    case "text":
      return Promise.resolve(extractPlainText(decodeText(bytes)));
    case "pdf":
      return extractPdf(bytes);
    case "docx":
      return extractDocx(bytes);
  }
}

const norm = (s: string) => s.trim().toLowerCase().replace(/\s+/g, " ");
