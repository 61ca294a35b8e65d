import { errors } from "../core/errors";
import { extractDocx } from "./docx";
import { extractHtml } from "./html";
import { extractMarkdown } from "./markdown";
import type { ExtractedDocument } from "./outline";
import { extractPdf } from "./pdf";
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

/** Types that say nothing about the content; the file name (or the bytes) decide. */
const GENERIC_MIME = new Set(["", "application/octet-stream", "binary/octet-stream"]);

/** Magic numbers of common binary formats this engine cannot read. */
const BINARY_MAGIC: Array<[string, number[]]> = [
  ["PNG image", [0x89, 0x50, 0x4e, 0x47]],
  ["JPEG image", [0xff, 0xd8, 0xff]],
  ["GIF image", [0x47, 0x49, 0x46, 0x38]],
  ["WebP or RIFF media", [0x52, 0x49, 0x46, 0x46]],
  ["ZIP archive", [0x50, 0x4b, 0x03, 0x04]],
  ["gzip archive", [0x1f, 0x8b]],
  ["ELF executable", [0x7f, 0x45, 0x4c, 0x46]],
  ["OLE document (.doc, .ppt, .xls)", [0xd0, 0xcf, 0x11, 0xe0]],
];

export interface UploadedFile {
  name: string;
  /** The MIME type the client declared; may be empty or generic. */
  type: string;
  bytes: Uint8Array;
}

/**
 * Picks the extractor. A specific declared MIME type wins; `text/plain` and generic
 * types defer to the file extension (browsers send `.md` as text/plain or nothing),
 * and with no known extension the bytes are sniffed. Anything else is a 415 that
 * lists what is supported.
 */
export function detectFileKind(file: UploadedFile): FileKind {
  const mime = file.type.split(";")[0]?.trim().toLowerCase() ?? "";
  const ext = /\.([a-z0-9]{1,10})$/i.exec(file.name)?.[1]?.toLowerCase() ?? "";
  const byExt = BY_EXTENSION[ext];
  const magic = binaryFormat(file.bytes);
  const kind = (() => {
    if (mime === "text/plain") return byExt ?? "text";
    const byMime = BY_MIME[mime];
    if (byMime) return byMime;
    if (mime.startsWith("text/") && mime !== "text/rtf") return "text";
    if (!GENERIC_MIME.has(mime)) return undefined;
    if (byExt) return byExt;
    if (ext) return undefined;
    if (startsWith(file.bytes, [0x25, 0x50, 0x44, 0x46, 0x2d])) return "pdf"; // %PDF-
    if (looksBinary(file.bytes, magic)) return undefined;
    return /^\s*<(!doctype html|html[\s>])/i.test(decodeText(file.bytes.subarray(0, 512)))
      ? "html"
      : "text";
  })();
  // A text type must be text: an image renamed to .txt is still an image.
  const binaryText =
    (kind === "markdown" || kind === "html" || kind === "text") && looksBinary(file.bytes, magic);
  if (!kind || binaryText) {
    const what = magic ? ` (the content is a ${magic})` : "";
    throw errors.unsupportedMediaType(
      `Unsupported file type '${mime || "unknown"}' for '${file.name}'${what}. Supported: ${SUPPORTED_FILE_TYPES}.`,
    );
  }
  return kind;
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

function binaryFormat(bytes: Uint8Array): string | undefined {
  return BINARY_MAGIC.find(([, magic]) => startsWith(bytes, magic))?.[0];
}

/** Known binary magic, or NUL bytes in a file that is not UTF-16 text. */
function looksBinary(bytes: Uint8Array, magic: string | undefined): boolean {
  if (magic) return true;
  const utf16 = startsWith(bytes, [0xff, 0xfe]) || startsWith(bytes, [0xfe, 0xff]);
  return !utf16 && bytes.subarray(0, 8192).includes(0);
}

function startsWith(bytes: Uint8Array, magic: number[]): boolean {
  return magic.every((b, i) => bytes[i] === b);
}

const norm = (s: string) => s.trim().toLowerCase().replace(/\s+/g, " ");
