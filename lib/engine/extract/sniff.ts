/**
 * What an uploaded file is, from its bytes. Cheap: the first bytes decide, except for
 * a ZIP, whose central directory (at its end) lists the entries that tell a Word
 * document from a presentation, a spreadsheet or an OpenDocument file. Nothing is
 * decompressed.
 */

export type Sniffed =
  | { kind: "pdf" }
  | { kind: "docx" }
  /** UTF-8 (or UTF-16 with a byte-order mark) text without NUL; `html` when it opens as HTML. */
  | { kind: "text"; html: boolean }
  /** Content this engine cannot read, and what it looks like ("an RTF document"). */
  | { kind: "unsupported"; what: string };

/** How much of a file the text check reads. */
export const SNIFF_BYTES = 8192;

const PDF = [0x25, 0x50, 0x44, 0x46, 0x2d]; // %PDF-
const ZIP = [0x50, 0x4b, 0x03, 0x04]; // PK\3\4: a local file header
const EMPTY_ZIP = [0x50, 0x4b, 0x05, 0x06]; // PK\5\6: an end of central directory
const OLE2 = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];

/** Binary formats worth naming in a refusal; anything else is "binary data". */
const BINARY_MAGIC: Array<[string, number[]]> = [
  ["a PNG image", [0x89, 0x50, 0x4e, 0x47]],
  ["a JPEG image", [0xff, 0xd8, 0xff]],
  ["a GIF image", [0x47, 0x49, 0x46, 0x38]],
  ["RIFF media (WebP, WAV, AVI)", [0x52, 0x49, 0x46, 0x46]],
  ["a gzip archive", [0x1f, 0x8b]],
  ["a 7-Zip archive", [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c]],
  ["a RAR archive", [0x52, 0x61, 0x72, 0x21, 0x1a, 0x07]],
  ["an ELF executable", [0x7f, 0x45, 0x4c, 0x46]],
  ["a Windows executable", [0x4d, 0x5a]],
  ["a SQLite database", [...new TextEncoder().encode("SQLite format 3"), 0]],
];

export function sniffContent(bytes: Uint8Array): Sniffed {
  if (startsWith(bytes, PDF)) return { kind: "pdf" };
  if (startsWith(bytes, ZIP) || startsWith(bytes, EMPTY_ZIP)) return sniffZip(bytes);
  if (startsWith(bytes, OLE2.slice(0, 4))) {
    return { kind: "unsupported", what: "an OLE document (.doc, .xls, .ppt, .msg)" };
  }
  const text = textHead(bytes);
  if (text === undefined) {
    const magic = BINARY_MAGIC.find(([, m]) => startsWith(bytes, m))?.[0];
    return { kind: "unsupported", what: magic ?? "binary data, not UTF-8 text" };
  }
  const start = text.trimStart();
  if (start.startsWith("{\\rtf")) return { kind: "unsupported", what: "an RTF document" };
  return { kind: "text", html: /^<(!doctype html|html[\s>])/i.test(start) };
}

/**
 * The decoded first SNIFF_BYTES when they are text: valid UTF-8 (or UTF-16 after its
 * byte-order mark) with no NUL. A multi-byte character cut by the window's end is not
 * an error. The rest of the file is not checked: decoding replaces invalid bytes there.
 */
function textHead(bytes: Uint8Array): string | undefined {
  const head = bytes.subarray(0, SNIFF_BYTES);
  const [a, b] = bytes;
  const encoding =
    a === 0xff && b === 0xfe ? "utf-16le" : a === 0xfe && b === 0xff ? "utf-16be" : "utf-8";
  let text: string;
  try {
    text = new TextDecoder(encoding, { fatal: true }).decode(head, {
      stream: bytes.length > head.length,
    });
  } catch {
    return undefined;
  }
  return text.includes("\0") ? undefined : text;
}

function sniffZip(bytes: Uint8Array): Sniffed {
  const names = zipEntryNames(bytes);
  if (!names) return { kind: "unsupported", what: "a ZIP archive whose directory is unreadable" };
  if (names.has("word/document.xml")) return { kind: "docx" };
  return { kind: "unsupported", what: describeZip(names) };
}

/** The ZIP-based formats people upload by mistake, by the entries that mark them. */
function describeZip(names: Set<string>): string {
  if (names.has("ppt/presentation.xml")) return "a PowerPoint presentation (.pptx)";
  if (names.has("xl/workbook.xml")) return "an Excel workbook (.xlsx)";
  if (names.has("META-INF/container.xml")) return "an EPUB book";
  if (names.has("mimetype") && names.has("content.xml")) {
    return "an OpenDocument file (.odt, .ods, .odp)";
  }
  return "a ZIP archive that is not a Word document";
}

/** More entries than any Word document has; a directory longer than this is not one. */
const MAX_ENTRIES = 10_000;
const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL_ENTRY = 0x02014b50;

/**
 * The entry names in a ZIP's central directory (ZIP64 too), or undefined when the
 * directory cannot be found or runs past the file. Reads only the directory: the end
 * record is within the last 64 KB (22 bytes plus a comment of at most 65,535).
 */
export function zipEntryNames(bytes: Uint8Array): Set<string> | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u32 = (at: number) => (at + 4 <= bytes.length ? view.getUint32(at, true) : -1);
  const u16 = (at: number) => view.getUint16(at, true);
  let eocd = -1;
  for (let at = bytes.length - 22; at >= Math.max(0, bytes.length - 22 - 0xffff); at--) {
    if (u32(at) === EOCD) {
      eocd = at;
      break;
    }
  }
  if (eocd < 0) return undefined;
  let count = u16(eocd + 10);
  let offset = u32(eocd + 16);
  if (count === 0xffff || offset === 0xffffffff) {
    const locator = eocd - 20;
    if (locator < 0 || u32(locator) !== ZIP64_LOCATOR) return undefined;
    const record = Number(view.getBigUint64(locator + 8, true));
    if (record + 56 > bytes.length || u32(record) !== ZIP64_EOCD) return undefined;
    count = Number(view.getBigUint64(record + 32, true));
    offset = Number(view.getBigUint64(record + 48, true));
  }
  if (count > MAX_ENTRIES) return undefined;
  const names = new Set<string>();
  const decoder = new TextDecoder();
  for (let i = 0; i < count; i++) {
    if (offset + 46 > bytes.length || u32(offset) !== CENTRAL_ENTRY) return undefined;
    const nameLength = u16(offset + 28);
    const end = offset + 46 + nameLength;
    if (end > bytes.length) return undefined;
    names.add(decoder.decode(bytes.subarray(offset + 46, end)));
    offset = end + u16(offset + 30) + u16(offset + 32);
  }
  return names;
}

export function startsWith(bytes: Uint8Array, magic: readonly number[]): boolean {
  return bytes.length >= magic.length && magic.every((b, i) => bytes[i] === b);
}
