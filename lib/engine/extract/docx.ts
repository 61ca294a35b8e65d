import mammoth from "mammoth";
import { errors } from "../core/errors";
import { extractHtml } from "./html";
import type { ExtractedDocument } from "./outline";

/**
 * Word (.docx) through mammoth to HTML, then the HTML extractor, so Heading 1–6
 * styles become sections and tables become rows. Images are dropped before they
 * are base64-encoded, and mammoth may not read files the document links to.
 */
export async function extractDocx(bytes: Uint8Array): Promise<ExtractedDocument> {
  let html: string;
  try {
    const result = await mammoth.convertToHtml(
      { buffer: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) },
      {
        convertImage: mammoth.images.imgElement(async () => ({ src: "" })),
        externalFileAccess: false,
      },
    );
    html = result.value;
  } catch (error) {
    const message = (error instanceof Error ? error.message : String(error)).split("\n")[0];
    throw errors.field("body.file", `could not be read as a Word document (${message})`);
  }
  return extractHtml(html);
}
