import { z } from "zod";
import { type Document, toDocument } from "../domain";
import { corpusKeySchema } from "../schemas/common";
import {
  documentSchema,
  type UploadFileOptions,
  uploadFileOptionsSchema,
} from "../schemas/documents";
import type { RequestOptions, Transport } from "../transport";
import { segment, validate } from "./validate";

export interface UploadableFile {
  name: string;
  data: Blob | Uint8Array | ArrayBuffer;
  /** MIME type; guessed by the server from the name when absent. */
  type?: string;
}

const fileSchema = z.object({
  name: z.string().min(1, "the file needs a name"),
  data: z.custom<Blob | Uint8Array | ArrayBuffer>(
    (v) => v instanceof Blob || v instanceof Uint8Array || v instanceof ArrayBuffer,
    "file data must be a Blob, Uint8Array or ArrayBuffer",
  ),
  type: z.string().optional(),
});

export class Upload {
  constructor(private readonly transport: Transport) {}

  /**
   * Uploads one file as multipart/form-data; the server extracts its text. The file
   * name becomes the document id unless `filename` overrides it. Not retried.
   */
  async file(
    corpusKey: string,
    file: UploadableFile,
    params: UploadFileOptions = {},
    options?: RequestOptions,
  ): Promise<Document> {
    const key = segment(corpusKeySchema, corpusKey, "corpus_key");
    const f = validate(fileSchema, file, "body");
    const p = validate(uploadFileOptionsSchema, params, "body");
    const form = new FormData();
    const blob =
      f.data instanceof Blob
        ? f.data
        : new Blob([f.data instanceof ArrayBuffer ? f.data : new Uint8Array(f.data)], {
            type: f.type ?? "application/octet-stream",
          });
    form.append("file", blob, f.name);
    if (p.filename) form.append("filename", p.filename);
    for (const field of ["metadata", "chunking_strategy", "table_extraction_config"] as const) {
      const value = p[field];
      if (value !== undefined) {
        form.append(field, new Blob([JSON.stringify(value)], { type: "application/json" }));
      }
    }
    const wire = await this.transport.json(
      { method: "POST", path: `/v2/corpora/${key}/upload_file`, body: form, idempotent: false },
      documentSchema,
      options,
    );
    return toDocument(wire);
  }
}
