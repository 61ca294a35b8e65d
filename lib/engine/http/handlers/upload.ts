import { z } from "zod";
import { errors } from "../../core/errors";
import { checkJsonBounds, METADATA_BOUNDS } from "../../core/json-bounds";
import { prepareDocument } from "../../core/prepare";
import { extractFile } from "../../extract";
import { assertJsonDepth, type Ctx, parseWith, type Route } from "../context";
import { chunkingStrategySchema, documentIdSchema, metadataSchema } from "../schemas/documents";
import { requireCorpus } from "./corpora";
import { indexPrepared } from "./documents";

/** Vectara's limit for one uploaded file. */
export const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;
/** The whole multipart body: the file plus room for the other parts and boundaries. */
const MAX_BODY_BYTES = MAX_UPLOAD_BYTES + 1024 * 1024;

const tooLarge = () =>
  errors.payloadTooLarge(`The file is larger than ${MAX_UPLOAD_BYTES / 1024 / 1024} MB`);

/**
 * `POST /v2/corpora/{k}/upload_file` (multipart/form-data): parts `file` (required;
 * its file name is the document id unless `filename` is given), `filename`,
 * `metadata` (JSON, merged over metadata found in the file), `chunking_strategy`
 * (JSON) and `table_extraction_config` (JSON; validated as JSON and otherwise
 * ignored — tables in files are read as text rows, not as Vectara tables).
 */
async function upload(ctx: Ctx) {
  const corpus = requireCorpus(ctx);
  const form = await readForm(ctx.request);
  const file = form.get("file");
  if (!(file instanceof File)) {
    throw errors.field(
      "body.file",
      file === null
        ? "is required: attach the file as the multipart part 'file'"
        : "must be a file",
    );
  }
  if (file.size > MAX_UPLOAD_BYTES) throw tooLarge();
  const metadata = await jsonPart(form, "metadata", metadataSchema);
  const chunking = await jsonPart(form, "chunking_strategy", chunkingStrategySchema);
  await jsonPart(form, "table_extraction_config", z.unknown());
  const filename = await textPart(form, "filename");
  const id = parseWith(
    z.object({ filename: documentIdSchema }),
    { filename: filename || file.name },
    "body",
  ).filename;

  const bytes = new Uint8Array(await file.arrayBuffer());
  // The content decides the type; the part's Content-Type, else its name's extension (else
  // the `filename` part's), must agree with it or the answer is 415 (extract/index.ts).
  const typeName = /\.[a-z0-9]+$/i.test(file.name) ? file.name : (filename ?? file.name);
  const extracted = await extractFile({ name: typeName, type: file.type, bytes });
  ctx.deadline.check();
  const merged = { ...extracted.metadata, ...(metadata ?? {}) };
  // Each is within the limits alone; the document's metadata is both together.
  const problem = metadata && checkJsonBounds(merged, METADATA_BOUNDS);
  if (problem) throw errors.field("body.metadata", `with the file's front matter ${problem}`);
  const prepared = prepareDocument(
    {
      type: "structured",
      id,
      title: extracted.title,
      metadata: merged,
      sections: extracted.sections,
      chunking_strategy: chunking,
    },
    { emptyField: "body.file" },
  );
  return indexPrepared(ctx.db, corpus, prepared);
}

/** Reads at most MAX_BODY_BYTES of the body (413 beyond) and parses it as multipart. */
async function readForm(request: Request): Promise<FormData> {
  const type = request.headers.get("content-type") ?? "";
  if (!/^multipart\/form-data\s*;/i.test(type)) {
    throw errors.field("body", "must be multipart/form-data with a boundary");
  }
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > MAX_BODY_BYTES) throw tooLarge();
  const chunks: Uint8Array[] = [];
  let total = 0;
  if (request.body) {
    const reader = request.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > MAX_BODY_BYTES) {
        await reader.cancel().catch(() => undefined);
        throw tooLarge();
      }
      chunks.push(value);
    }
  }
  try {
    return await new Response(Buffer.concat(chunks), {
      headers: { "content-type": type },
    }).formData();
  } catch {
    throw errors.field("body", "is not valid multipart/form-data");
  }
}

async function textPart(form: FormData, name: string): Promise<string | undefined> {
  const value = form.get(name);
  if (value === null) return undefined;
  return (typeof value === "string" ? value : await value.text()).trim() || undefined;
}

/** A JSON part (sent as a string or as a blob part); 400 on `body.<name>` when invalid. */
async function jsonPart<S extends z.ZodType>(
  form: FormData,
  name: string,
  schema: S,
): Promise<z.output<S> | undefined> {
  const text = await textPart(form, name);
  if (text === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw errors.field(`body.${name}`, "is not valid JSON");
  }
  const parsed = parseWith(z.object({ [name]: schema }), { [name]: value }, "body");
  assertJsonDepth(value, `body.${name}`);
  return parsed[name] as z.output<S>;
}

export const uploadRoutes: Route[] = [
  {
    method: "POST",
    pattern: "/v2/corpora/:corpus_key/upload_file",
    role: "serving_and_indexing",
    handler: upload,
  },
];
