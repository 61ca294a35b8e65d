import type { ExtractedDocument } from "./outline";

/**
 * Decodes a text file: UTF-8 unless a UTF-16 byte-order mark says otherwise (a UTF-8
 * BOM is dropped). Invalid bytes become U+FFFD rather than failing the upload.
 */
export function decodeText(bytes: Uint8Array): string {
  const [a, b] = bytes;
  const encoding =
    a === 0xff && b === 0xfe ? "utf-16le" : a === 0xfe && b === 0xff ? "utf-16be" : "utf-8";
  return new TextDecoder(encoding).decode(bytes).replace(/\r\n?/g, "\n");
}

/** Plain text is one untitled section; blank lines separate its paragraphs. */
export function extractPlainText(text: string): ExtractedDocument {
  return { metadata: {}, sections: [{ text }] };
}
