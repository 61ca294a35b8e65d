import { z } from "zod";
import { CORPUS_KEY_PATTERN, MAX_CORPUS_KEY_LENGTH } from "../../store/corpora";

export const corpusKeySchema = z
  .string()
  .min(1)
  .max(MAX_CORPUS_KEY_LENGTH, `must be at most ${MAX_CORPUS_KEY_LENGTH} characters`)
  .regex(CORPUS_KEY_PATTERN, "may only contain letters, digits, _, = and -");

export const filterAttributeSchema = z.object({
  name: z.string().min(1).max(200),
  level: z.enum(["document", "part"]),
  type: z.enum([
    "integer",
    "real_number",
    "text",
    "boolean",
    "list[integer]",
    "list[real_number]",
    "list[text]",
  ]),
  indexed: z.boolean().default(true),
  description: z.string().max(2000).optional(),
});

export const filterAttributesSchema = z
  .array(filterAttributeSchema)
  .max(100)
  .superRefine((list, ctx) => {
    const seen = new Set<string>();
    list.forEach((a, i) => {
      const k = `${a.level}:${a.name}`;
      if (seen.has(k))
        ctx.addIssue({
          code: "custom",
          path: [i, "name"],
          message: `'${a.name}' is declared twice`,
        });
      seen.add(k);
    });
  });

export const createCorpusSchema = z.object({
  key: corpusKeySchema,
  name: z.string().max(200).optional(),
  description: z.string().max(5000).optional(),
  save_history: z.boolean().optional(),
  queries_are_answers: z.boolean().optional(),
  documents_are_questions: z.boolean().optional(),
  encoder_id: z.string().optional(),
  encoder_name: z.string().max(200).optional(),
  filter_attributes: filterAttributesSchema.optional(),
  custom_dimensions: z
    .array(
      z.object({
        name: z.string().min(1).max(100),
        description: z.string().optional(),
        indexing_default: z.number().default(0),
        querying_default: z.number().default(0),
      }),
    )
    .max(20)
    .optional(),
});

export const updateCorpusSchema = z.object({
  enabled: z.boolean().optional(),
  name: z.string().max(200).optional(),
  description: z.string().max(5000).optional(),
  save_history: z.boolean().optional(),
});

export const listCorporaQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(10),
  filter: z.string().optional(),
  page_key: z.string().optional(),
  corpus_id: z.array(z.string()).optional(),
});

export const replaceFilterAttributesSchema = z.object({
  filter_attributes: filterAttributesSchema,
});
