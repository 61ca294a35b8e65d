import { errors } from "../../core/errors";
import { decodePageKey, encodePageKey } from "../../core/paging";
import { compileUserRegex } from "../../core/regex";
import { scanPage } from "../../core/scan";
import { requireCorpus as requireCorpusIn } from "../../services/context";
import {
  type CorpusRow,
  computeCorpusSize,
  createCorpus,
  deleteCorpus,
  deleteCorpusDocuments,
  listCorpora,
  replaceFilterAttributes,
  updateCorpus,
} from "../../store/corpora";
import { type DB, inTransaction } from "../../store/db";
import { insertJob, newJobId } from "../../store/jobs";
import { type Ctx, type Route, readJson, readQuery } from "../context";
import { json, noContent } from "../respond";
import {
  createCorpusSchema,
  listCorporaQuerySchema,
  replaceFilterAttributesSchema,
  updateCorpusSchema,
} from "../schemas/corpora";

/** The corpus named by the `:corpus_key` path parameter, or a 404; checks the key's scope. */
export function requireCorpus(ctx: Ctx, key = ctx.params.corpus_key ?? ""): CorpusRow {
  return requireCorpusIn({ db: ctx.db, scope: ctx.key.corpusKeys }, key);
}

export function toWireCorpus(db: DB, c: CorpusRow) {
  const size = computeCorpusSize(db, c.id);
  return {
    id: `crp_${c.id}`,
    key: c.key,
    name: c.name,
    description: c.description,
    enabled: c.enabled,
    chat_history_corpus: false,
    queries_are_answers: c.queriesAreAnswers,
    documents_are_questions: c.documentsAreQuestions,
    encoder_name: c.encoderName,
    save_history: c.saveHistory,
    filter_attributes: c.filterAttributes,
    custom_dimensions: c.customDimensions,
    limits: {
      used_docs: size.usedDocs,
      used_parts: size.usedParts,
      used_characters: size.usedCharacters,
    },
    created_at: c.createdAt,
  };
}

async function create(ctx: Ctx) {
  const body = await readJson(ctx, createCorpusSchema);
  const corpus = createCorpus(ctx.db, {
    key: body.key,
    name: body.name,
    description: body.description,
    saveHistory: body.save_history,
    queriesAreAnswers: body.queries_are_answers,
    documentsAreQuestions: body.documents_are_questions,
    encoderName: body.encoder_name,
    filterAttributes: body.filter_attributes,
    customDimensions: body.custom_dimensions,
  });
  if (!corpus) throw errors.conflict(`A corpus with key '${body.key}' already exists`);
  return json(201, toWireCorpus(ctx.db, corpus));
}

const isCursor = (v: unknown): v is { after: string } =>
  typeof v === "object" && v !== null && typeof (v as { after?: unknown }).after === "string";

function list(ctx: Ctx) {
  const q = readQuery(ctx, listCorporaQuerySchema, ["corpus_id"]);
  const regex = q.filter ? compileUserRegex(q.filter, "query.filter") : undefined;
  const cursor = decodePageKey(q.page_key, isCursor);
  // Bounded work per request (`core/scan.ts`): a short page may come with a page_key.
  const { page, resumeAfter } = scanPage({
    rows: listCorpora(ctx.db, cursor?.after),
    limit: q.limit,
    keep: (c) =>
      (!ctx.key.corpusKeys || ctx.key.corpusKeys.includes(c.key)) &&
      (!q.corpus_id || q.corpus_id.includes(`crp_${c.id}`)),
    regex,
    texts: (c) => [c.key, c.name, c.description],
    check: () => ctx.deadline.check(),
  });
  return json(200, {
    corpora: page.map((c) => toWireCorpus(ctx.db, c)),
    metadata: resumeAfter ? { page_key: encodePageKey({ after: resumeAfter.key }) } : {},
  });
}

function get(ctx: Ctx) {
  return json(200, toWireCorpus(ctx.db, requireCorpus(ctx)));
}

async function update(ctx: Ctx) {
  const corpus = requireCorpus(ctx);
  const body = await readJson(ctx, updateCorpusSchema);
  const updated = updateCorpus(ctx.db, corpus.key, {
    enabled: body.enabled,
    name: body.name,
    description: body.description,
    saveHistory: body.save_history,
  });
  return json(200, toWireCorpus(ctx.db, updated ?? corpus));
}

function remove(ctx: Ctx) {
  deleteCorpus(ctx.db, requireCorpus(ctx).id);
  return noContent();
}

function reset(ctx: Ctx) {
  deleteCorpusDocuments(ctx.db, requireCorpus(ctx).id);
  return noContent();
}

async function replaceAttributes(ctx: Ctx) {
  const corpus = requireCorpus(ctx);
  const body = await readJson(ctx, replaceFilterAttributesSchema);
  // Vectara runs this as a job; here the typed filter values are rebuilt in the same
  // statement, so the job is written finished (`completed`), in the same transaction:
  // a job row exists exactly when the change was made.
  const startedAt = new Date().toISOString();
  const id = newJobId();
  inTransaction(ctx.db, () => {
    replaceFilterAttributes(ctx.db, corpus.key, body.filter_attributes);
    insertJob(ctx.db, {
      id,
      type: "replace_filter_attributes",
      corpusKeys: [corpus.key],
      state: "completed",
      createdAt: startedAt,
      startedAt,
      completedAt: new Date().toISOString(),
    });
  });
  return json(200, { job_id: id });
}

function computeSize(ctx: Ctx) {
  const s = computeCorpusSize(ctx.db, requireCorpus(ctx).id);
  return json(200, {
    used_docs: s.usedDocs,
    used_parts: s.usedParts,
    used_characters: s.usedCharacters,
    used_metadata_characters: s.usedMetadataCharacters,
  });
}

export const corporaRoutes: Route[] = [
  { method: "POST", pattern: "/v2/corpora", role: "personal", handler: create },
  { method: "GET", pattern: "/v2/corpora", role: "serving", handler: list },
  { method: "GET", pattern: "/v2/corpora/:corpus_key", role: "serving", handler: get },
  { method: "PATCH", pattern: "/v2/corpora/:corpus_key", role: "personal", handler: update },
  { method: "DELETE", pattern: "/v2/corpora/:corpus_key", role: "personal", handler: remove },
  { method: "POST", pattern: "/v2/corpora/:corpus_key/reset", role: "personal", handler: reset },
  {
    method: "POST",
    pattern: "/v2/corpora/:corpus_key/replace_filter_attributes",
    role: "personal",
    handler: replaceAttributes,
  },
  {
    method: "POST",
    pattern: "/v2/corpora/:corpus_key/compute_size",
    role: "serving",
    handler: computeSize,
  },
];
