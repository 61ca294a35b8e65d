import { z } from "zod";
import { MIN_MAX_CHARS } from "../../core/chunking";
import { checkJsonBounds, METADATA_BOUNDS } from "../../core/json-bounds";
import type { SectionInput } from "../../core/prepare";

/**
 * Request schemas for documents and uploads. Objects are not strict: fields from
 * newer API versions are ignored rather than refused, as Vectara's own clients may
 * send them. `tables` are kept with the document; `images` are accepted and dropped.
 */
export const documentIdSchema = z
  .string()
  .min(1, "must not be empty")
  .max(512, "must be at most 512 characters");

/**
 * A metadata object: at most 32 levels deep and 64 KB as JSON. The values are not
 * parsed by zod (`z.unknown()`), so nothing recursive touches them before the
 * iterative check has bounded their depth.
 */
export const metadataSchema = z.record(z.string(), z.unknown()).superRefine((value, ctx) => {
  const problem = checkJsonBounds(value, METADATA_BOUNDS);
  if (problem) ctx.addIssue({ code: "custom", message: problem });
});
const customDimensionsSchema = z.record(z.string(), z.number());

export const chunkingStrategySchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("sentence_chunking_strategy") }),
  z.object({
    type: z.literal("max_chars_chunking_strategy"),
    max_chars_per_chunk: z
      .number()
      .int()
      .min(MIN_MAX_CHARS, `must be at least ${MIN_MAX_CHARS}`)
      .max(1_000_000),
  }),
]);

const tableSchema = z.looseObject({});
const imageSchema = z.unknown();

const corePartSchema = z.object({
  text: z.string(),
  metadata: metadataSchema.nullish(),
  context: z.string().nullish(),
  custom_dimensions: customDimensionsSchema.nullish(),
  table_id: z.string().nullish(),
  image_id: z.string().nullish(),
});

/** Sections nest at most this deep; built level by level so zod never recurses unbounded. */
export const MAX_SECTION_DEPTH = 16;

function sectionSchema(depth: number): z.ZodType<SectionInput> {
  const base = {
    id: z.number().int().min(-2147483648).max(2147483647).nullish(),
    title: z.string().nullish(),
    text: z.string(),
    metadata: metadataSchema.nullish(),
    tables: z.array(tableSchema).nullish(),
    images: z.array(imageSchema).nullish(),
  };
  const sections =
    depth <= 1
      ? z.array(z.unknown()).max(0, `sections nest at most ${MAX_SECTION_DEPTH} levels deep`)
      : z.array(sectionSchema(depth - 1));
  return z.object({ ...base, sections: sections.nullish() }) as z.ZodType<SectionInput>;
}

export const createDocumentSchema = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("core"),
    id: documentIdSchema,
    metadata: metadataSchema.nullish(),
    tables: z.array(tableSchema).nullish(),
    images: z.array(imageSchema).nullish(),
    document_parts: z.array(corePartSchema).min(1, "must have at least 1 item"),
  }),
  z.object({
    type: z.literal("structured"),
    id: documentIdSchema,
    title: z.string().nullish(),
    description: z.string().nullish(),
    metadata: metadataSchema.nullish(),
    custom_dimensions: customDimensionsSchema.nullish(),
    sections: z.array(sectionSchema(MAX_SECTION_DEPTH)).min(1, "must have at least 1 item"),
    chunking_strategy: chunkingStrategySchema.nullish(),
  }),
]);

export const updateMetadataSchema = z.object({ metadata: metadataSchema });

export const listDocumentsQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(10),
  metadata_filter: z.string().max(8000).optional(),
  page_key: z.string().optional(),
  /** Not Vectara's: the listing's order (docs/engine.md); by document id when absent. */
  sort: z.enum(["id", "newest", "title"]).default("id"),
});

export const bulkDeleteQuerySchema = z.object({
  document_ids: z.array(documentIdSchema).max(10_000).optional(),
  metadata_filter: z.string().max(8000).optional(),
  /** Accepted for compatibility; deletion is always done before answering. */
  async: z.enum(["true", "false"]).optional(),
});

export type CreateDocumentBody = z.output<typeof createDocumentSchema>;
