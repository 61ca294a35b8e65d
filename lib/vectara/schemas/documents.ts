import { z } from "zod";
import { imageMetadataSchema, listMetadataSchema, tableSchema } from "./common";

const metadataSchema = z.record(z.string(), z.unknown());
const customDimensionsSchema = z.record(z.string(), z.number());

export const chunkingStrategySchema = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("sentence_chunking_strategy") }),
  z.strictObject({
    type: z.literal("max_chars_chunking_strategy"),
    max_chars_per_chunk: z.number().int().min(100),
  }),
]);

const tableCellInputSchema = z.strictObject({
  text_value: z.string().optional(),
  int_value: z.number().int().optional(),
  float_value: z.number().optional(),
  bool_value: z.boolean().optional(),
  colspan: z.number().int().optional(),
  rowspan: z.number().int().optional(),
});

const tableInputSchema = z.strictObject({
  id: z.string().optional(),
  title: z.string().optional(),
  description: z.string().optional(),
  data: z
    .strictObject({
      headers: z.array(z.array(tableCellInputSchema)).optional(),
      rows: z.array(z.array(tableCellInputSchema)).optional(),
    })
    .optional(),
});

const imageInputSchema = z.strictObject({
  id: z.string(),
  title: z.string().optional(),
  caption: z.string().optional(),
  description: z.string().optional(),
  image_data: z.strictObject({ data: z.string(), mime_type: z.string() }),
});

const coreDocumentPartSchema = z.strictObject({
  text: z.string(),
  metadata: metadataSchema.optional(),
  table_id: z.string().optional(),
  image_id: z.string().optional(),
  context: z.string().optional(),
  custom_dimensions: customDimensionsSchema.optional(),
});

export interface StructuredDocumentSection {
  id?: number;
  title?: string;
  text: string;
  metadata?: Record<string, unknown>;
  tables?: z.input<typeof tableInputSchema>[];
  images?: z.input<typeof imageInputSchema>[];
  sections?: StructuredDocumentSection[];
}

const structuredDocumentSectionSchema: z.ZodType<StructuredDocumentSection> = z.lazy(() =>
  z.strictObject({
    id: z.number().int().optional(),
    title: z.string().optional(),
    text: z.string(),
    metadata: metadataSchema.optional(),
    tables: z.array(tableInputSchema).optional(),
    images: z.array(imageInputSchema).optional(),
    sections: z.array(structuredDocumentSectionSchema).optional(),
  }),
);

const documentIdSchema = z.string().min(1).max(512);

export const createDocumentRequestSchema = z.discriminatedUnion("type", [
  z.strictObject({
    type: z.literal("core"),
    id: documentIdSchema,
    metadata: metadataSchema.optional(),
    tables: z.array(tableInputSchema).optional(),
    images: z.array(imageInputSchema).optional(),
    document_parts: z.array(coreDocumentPartSchema).min(1),
  }),
  z.strictObject({
    type: z.literal("structured"),
    id: documentIdSchema,
    title: z.string().optional(),
    description: z.string().optional(),
    metadata: metadataSchema.optional(),
    custom_dimensions: customDimensionsSchema.optional(),
    sections: z.array(structuredDocumentSectionSchema).min(1),
    chunking_strategy: chunkingStrategySchema.optional(),
  }),
]);

export const listDocumentsParamsSchema = z.strictObject({
  limit: z.number().int().min(1).max(1000).optional(),
  metadata_filter: z.string().max(8000).optional(),
  page_key: z.string().min(1).optional(),
  /**
   * Not Vectara's: the order of Parley's embedded engine's listing (`newest` indexed
   * first, `title` A–Z, or document `id`). Send it to the engine only; Vectara's
   * listing takes no order.
   */
  sort: z.enum(["id", "newest", "title"]).optional(),
});

export const updateDocumentMetadataRequestSchema = z.strictObject({ metadata: metadataSchema });

export const uploadFileOptionsSchema = z.strictObject({
  /** Overrides the file name, which otherwise becomes the document id. */
  filename: z.string().min(1).optional(),
  metadata: metadataSchema.optional(),
  chunking_strategy: chunkingStrategySchema.optional(),
  table_extraction_config: z
    .strictObject({
      extract_tables: z.boolean(),
      extractor: z.strictObject({ name: z.string() }).optional(),
      generation: z.record(z.string(), z.unknown()).optional(),
    })
    .optional(),
});

export const documentPartSchema = z.looseObject({
  text: z.string(),
  metadata: metadataSchema.nullish(),
  context: z.string().nullish(),
  custom_dimensions: customDimensionsSchema.nullish(),
});

export const documentSchema = z.looseObject({
  id: z.string(),
  metadata: metadataSchema.nullish(),
  tables: z.array(tableSchema).nullish(),
  images: z.array(imageMetadataSchema).nullish(),
  parts: z.array(documentPartSchema).nullish(),
  /** Not Vectara's: when Parley's engine indexed this version (list items). */
  created_at: z.string().nullish(),
  storage_usage: z
    .looseObject({
      bytes_used: z.number().nullish(),
      metadata_bytes_used: z.number().nullish(),
    })
    .nullish(),
});

export const listDocumentsResponseSchema = z.looseObject({
  documents: z.array(documentSchema).nullish(),
  metadata: listMetadataSchema.nullish(),
});

export type ChunkingStrategy = z.input<typeof chunkingStrategySchema>;
export type CreateDocumentRequest = z.input<typeof createDocumentRequestSchema>;
export type ListDocumentsParams = z.input<typeof listDocumentsParamsSchema>;
export type UploadFileOptions = z.input<typeof uploadFileOptionsSchema>;
export type WireDocument = z.infer<typeof documentSchema>;
