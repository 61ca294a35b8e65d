import { describe, expect, it } from "vitest";
import type { z } from "zod";
import {
  toChat,
  toChatAnswer,
  toCorpus,
  toDocument,
  toGenerationPreset,
  toQueryAnswer,
  toTurn,
} from "@/lib/vectara/domain";
import {
  chatFullResponseSchema,
  chatRequestWireSchema,
  chatSchema,
  listChatsResponseSchema,
  listTurnsResponseSchema,
  turnSchema,
  updateTurnRequestSchema,
} from "@/lib/vectara/schemas/chats";
import { errorBodySchema } from "@/lib/vectara/schemas/common";
import {
  computeCorpusSizeResponseSchema,
  corpusSchema,
  createCorpusRequestSchema,
  listCorporaResponseSchema,
  replaceFilterAttributesRequestSchema,
  replaceFilterAttributesResponseSchema,
  updateCorpusRequestSchema,
} from "@/lib/vectara/schemas/corpora";
import {
  createDocumentRequestSchema,
  documentSchema,
  listDocumentsResponseSchema,
  updateDocumentMetadataRequestSchema,
} from "@/lib/vectara/schemas/documents";
import { listGenerationPresetsResponseSchema } from "@/lib/vectara/schemas/presets";
import {
  queryCorpusRequestWireSchema,
  queryFullResponseSchema,
  queryRequestWireSchema,
} from "@/lib/vectara/schemas/query";
import {
  hasSpec,
  loadSpecExamples,
  missingSpecReason,
  type SpecExample,
} from "../support/reference";

interface Operation {
  request?: z.ZodType;
  /** Success response schema and the domain mapping the UI would get. */
  success?: { schema: z.ZodType; toDomain?: (wire: never) => unknown };
}

const operations: Record<string, Operation> = {
  createChat: {
    request: chatRequestWireSchema,
    success: { schema: chatFullResponseSchema, toDomain: toChatAnswer },
  },
  listChats: {
    success: {
      schema: listChatsResponseSchema,
      toDomain: (r: z.infer<typeof listChatsResponseSchema>) => r.chats?.map(toChat),
    },
  },
  getChat: { success: { schema: chatSchema, toDomain: toChat } },
  deleteChat: {},
  createChatTurn: {
    request: chatRequestWireSchema,
    success: { schema: chatFullResponseSchema, toDomain: toChatAnswer },
  },
  listChatTurns: {
    success: {
      schema: listTurnsResponseSchema,
      toDomain: (r: z.infer<typeof listTurnsResponseSchema>) => r.turns?.map((t) => toTurn(t)),
    },
  },
  getChatTurn: {
    success: { schema: turnSchema, toDomain: (t: z.infer<typeof turnSchema>) => toTurn(t) },
  },
  updateChatTurn: { request: updateTurnRequestSchema, success: { schema: turnSchema } },
  deleteChatTurn: {},
  createCorpus: {
    request: createCorpusRequestSchema,
    success: { schema: corpusSchema, toDomain: toCorpus },
  },
  listCorpora: {
    success: {
      schema: listCorporaResponseSchema,
      toDomain: (r: z.infer<typeof listCorporaResponseSchema>) => r.corpora?.map(toCorpus),
    },
  },
  getCorpus: { success: { schema: corpusSchema, toDomain: toCorpus } },
  updateCorpus: {
    request: updateCorpusRequestSchema,
    success: { schema: corpusSchema, toDomain: toCorpus },
  },
  deleteCorpus: {},
  resetCorpus: {},
  replaceFilterAttributes: {
    request: replaceFilterAttributesRequestSchema,
    success: { schema: replaceFilterAttributesResponseSchema },
  },
  computeCorpusSize: { success: { schema: computeCorpusSizeResponseSchema } },
  createCorpusDocument: {
    request: createDocumentRequestSchema,
    success: { schema: documentSchema, toDomain: toDocument },
  },
  listCorpusDocuments: {
    success: {
      schema: listDocumentsResponseSchema,
      toDomain: (r: z.infer<typeof listDocumentsResponseSchema>) => r.documents?.map(toDocument),
    },
  },
  getCorpusDocument: { success: { schema: documentSchema, toDomain: toDocument } },
  deleteCorpusDocument: {},
  updateCorpusDocument: {
    request: updateDocumentMetadataRequestSchema,
    success: { schema: documentSchema },
  },
  replaceCorpusDocumentMetadata: {
    request: updateDocumentMetadataRequestSchema,
    success: { schema: documentSchema },
  },
  uploadFile: { success: { schema: documentSchema, toDomain: toDocument } },
  query: {
    request: queryRequestWireSchema,
    success: { schema: queryFullResponseSchema, toDomain: toQueryAnswer },
  },
  queryCorpus: {
    request: queryCorpusRequestWireSchema,
    success: { schema: queryFullResponseSchema, toDomain: toQueryAnswer },
  },
  searchCorpus: { success: { schema: queryFullResponseSchema, toDomain: toQueryAnswer } },
  listGenerationPresets: {
    success: {
      schema: listGenerationPresetsResponseSchema,
      toDomain: (r: z.infer<typeof listGenerationPresetsResponseSchema>) =>
        r.generation_presets?.map(toGenerationPreset),
    },
  },
};

type Json = Record<string, unknown>;

/**
 * Spec examples that break the spec's own schemas. The client validates requests
 * strictly (an unknown field is an error, not silently dropped), so it must reject
 * each of these for exactly the listed field, and accept the example once that one
 * defect is corrected. Everything else in each example still has to parse.
 */
interface Erratum {
  operations: string[];
  /** Path of the unrecognized key, as zod reports it. */
  path: string;
  why: string;
  fix: (value: Json) => Json;
}

const errata: Erratum[] = [
  {
    operations: ["query", "createChat"],
    path: "search.corpora.0.limit",
    why: "KeyedSearchCorpus has no `limit`; `limit` belongs to SearchParameters, beside `corpora`",
    fix: (v) => {
      const search = v.search as Json;
      const [first, ...rest] = search.corpora as Json[];
      const { limit, ...corpus } = first as Json;
      return { ...v, search: { ...search, limit, corpora: [corpus, ...rest] } };
    },
  },
  {
    operations: ["createChatTurn"],
    path: "search.metadataFilter",
    why: "no camelCase `metadataFilter` exists (vectara-api-notes §10.5); filters are per corpus as `metadata_filter`",
    fix: (v) => {
      const { metadataFilter, ...search } = v.search as Json;
      const [first, ...rest] = search.corpora as Json[];
      return {
        ...v,
        search: { ...search, corpora: [{ ...first, metadata_filter: metadataFilter }, ...rest] },
      };
    },
  },
  {
    operations: ["queryCorpus"],
    path: "search.reranker.include_context",
    why: "`include_context` belongs to the customer reranker; MMRReranker has no such field",
    fix: (v) => {
      const search = v.search as Json;
      const { include_context, ...reranker } = search.reranker as Json;
      return { ...v, search: { ...search, reranker } };
    },
  },
];

const unrecognized = (issues: z.core.$ZodIssue[]) =>
  issues.flatMap((i) =>
    i.code === "unrecognized_keys" ? i.keys.map((k) => [...i.path, k].join(".")) : [],
  );

const key = (e: SpecExample) => `${e.operationId} ${e.kind} ${e.name}`;

describe.skipIf(!hasSpec)("every spec example for the operations Parley uses", () => {
  const examples = hasSpec ? loadSpecExamples().filter((e) => e.operationId in operations) : [];

  it("covers the operations that have examples", () => {
    const covered = new Set(examples.map((e) => e.operationId));
    for (const op of [
      "createChat",
      "createChatTurn",
      "query",
      "queryCorpus",
      "searchCorpus",
      "createCorpus",
    ]) {
      expect(covered).toContain(op);
    }
  });

  for (const example of examples) {
    const op = operations[example.operationId] as Operation;
    it(key(example), () => {
      if (example.kind === "request") {
        expect(op.request, "a request schema for this operation").toBeDefined();
        const schema = op.request as z.ZodType;
        const result = schema.safeParse(example.value);
        const defects = unrecognized(result.error?.issues ?? []);
        const erratum = errata.find(
          (e) => e.operations.includes(example.operationId) && defects.includes(e.path),
        );
        if (erratum) {
          // Only the documented defect, and the corrected example parses.
          expect(defects, erratum.why).toEqual([erratum.path]);
          const corrected = schema.safeParse(erratum.fix(example.value as Json));
          expect(corrected.error?.issues ?? []).toEqual([]);
          return;
        }
        expect(result.error?.issues ?? []).toEqual([]);
        return;
      }
      const status = Number(example.kind);
      if (status >= 200 && status < 300) {
        expect(op.success, "a response schema for this operation").toBeDefined();
        const success = op.success as NonNullable<Operation["success"]>;
        const result = success.schema.safeParse(example.value);
        expect(result.error?.issues ?? []).toEqual([]);
        if (success.toDomain) expect(() => success.toDomain?.(result.data as never)).not.toThrow();
        return;
      }
      const result = errorBodySchema.safeParse(example.value);
      expect(result.error?.issues ?? []).toEqual([]);
    });
  }
});

if (!hasSpec) {
  describe("spec examples", () => {
    it.skip(missingSpecReason, () => undefined);
  });
}
