import { extractText, getDocumentProxy, getMeta } from "unpdf";
import { errors } from "../core/errors";
import type { ExtractedDocument } from "./outline";

/**
 * PDF text per page with unpdf (pdf.js). Each page becomes an untitled section whose
 * parts carry part metadata `page` (1-based). Words hyphenated across a line end are
 * joined. The title comes from the PDF's Info dictionary when it has one. Scanned
 * pages have no text layer and yield nothing (there is no OCR).
 */
export async function extractPdf(bytes: Uint8Array): Promise<ExtractedDocument> {
  let pdf: Awaited<ReturnType<typeof getDocumentProxy>>;
  try {
    // pdf.js may transfer the buffer it is given, so it gets a copy.
    pdf = await getDocumentProxy(new Uint8Array(bytes), { verbosity: 0 });
  } catch (error) {
    throw errors.field("body.file", `could not be read as a PDF (${reason(error)})`);
  }
  try {
    const { text } = await extractText(pdf, { mergePages: false });
    const info = await getMeta(pdf).then(
      (m) => m.info as Record<string, unknown>,
      () => ({}) as Record<string, unknown>,
    );
    const title =
      typeof info.Title === "string" && info.Title.trim() ? info.Title.trim() : undefined;
    return {
      metadata: {},
      title,
      sections: text.map((page, i) => ({ text: cleanPage(page), metadata: { page: i + 1 } })),
    };
  } catch (error) {
    throw errors.field("body.file", `could not be read as a PDF (${reason(error)})`);
  } finally {
    await pdf.loadingTask.destroy().catch(() => undefined);
  }
}

function cleanPage(text: string): string {
  return text.replace(/(\p{L})-\n(\p{Ll})/gu, "$1$2").replace(/[ \t]+/g, " ");
}

const reason = (error: unknown) =>
  (error instanceof Error ? error.message : String(error)).split("\n")[0]?.slice(0, 200) ?? "";
