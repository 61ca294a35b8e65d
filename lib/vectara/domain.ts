import type { WireChat, WireChatFullResponse, WireTurn } from "./schemas/chats";
import type { WireSearchResult } from "./schemas/common";
import type { WireCorpus } from "./schemas/corpora";
import type { WireDocument } from "./schemas/documents";
import type { WireGenerationPreset } from "./schemas/presets";
import type { WireQueryFullResponse } from "./schemas/query";
import type { WireStreamEvent } from "./schemas/stream";

/**
 * The domain types the rest of Parley sees. Wire types (snake_case, nullable, loose)
 * stay inside lib/vectara; every response is reshaped here, in one place.
 */

export type Metadata = Record<string, unknown>;

export interface TableCell {
  text?: string;
  int?: number;
  float?: number;
  bool?: boolean;
  colspan?: number;
  rowspan?: number;
}

export interface Table {
  id?: string;
  title?: string;
  description?: string;
  headers: TableCell[][];
  rows: TableCell[][];
}

export interface SearchResult {
  text: string;
  score: number;
  documentId: string;
  partMetadata: Metadata;
  documentMetadata: Metadata;
  /** Index into `search.corpora` of the corpus this result came from. */
  requestCorporaIndex: number;
  corpusKey?: string;
  table?: Table;
  image?: { id?: string; caption?: string; mimeType?: string };
}

export interface RewrittenQuery {
  corpusKey?: string;
  query?: string;
  metadataFilter?: string;
}

export interface ChatAnswer {
  /** Present when the turn was stored. */
  chatId?: string;
  turnId?: string;
  answer: string;
  responseLanguage?: string;
  searchResults: SearchResult[];
  factualConsistencyScore?: number;
  renderedPrompt?: string;
  rephrasedQuery?: string;
  warnings: string[];
  rewrittenQueries: RewrittenQuery[];
}

export interface QueryAnswer {
  summary?: string;
  responseLanguage?: string;
  searchResults: SearchResult[];
  factualConsistencyScore?: number;
  renderedPrompt?: string;
  warnings: string[];
  rewrittenQueries: RewrittenQuery[];
}

export interface Chat {
  id: string;
  firstQuery: string;
  firstAnswer: string;
  /** Whether the chat can take further turns. */
  enabled: boolean;
  createdAt?: string;
}

export interface Turn {
  id: string;
  chatId: string;
  query: string;
  answer: string;
  /** Whether the turn is shown in, and used by, later turns. */
  enabled: boolean;
  createdAt?: string;
}

export interface FilterAttribute {
  name: string;
  level?: string;
  description?: string;
  indexed?: boolean;
  type?: string;
}

export interface Corpus {
  id?: string;
  key: string;
  name?: string;
  description?: string;
  enabled: boolean;
  filterAttributes: FilterAttribute[];
  createdAt?: string;
  limits?: {
    usedDocs?: number;
    usedParts?: number;
    usedBytes?: number;
    usedCharacters?: number;
    maxBytes?: number;
  };
}

export interface CorpusSize {
  usedDocs: number;
  usedParts: number;
  usedCharacters: number;
  usedMetadataCharacters: number;
}

export interface DocumentPart {
  text: string;
  metadata: Metadata;
  context?: string;
}

export interface Document {
  id: string;
  metadata: Metadata;
  /** Empty in list responses, which carry no parts. */
  parts: DocumentPart[];
  tables: Table[];
  storage?: { bytesUsed?: number; metadataBytesUsed?: number };
  /** When this version was indexed: Parley's engine says so in lists, Vectara does not. */
  createdAt?: string;
}

export interface GenerationPreset {
  name: string;
  llmName?: string;
  promptTemplate?: string;
  maxUsedSearchResults?: number;
  maxTokens?: number;
  temperature?: number;
  enabled: boolean;
  isDefault: boolean;
}

export type StreamEvent =
  | { type: "search_results"; searchResults: SearchResult[]; rewrittenQueries: RewrittenQuery[] }
  | { type: "chat_info"; chatId?: string; turnId?: string }
  | { type: "generation_chunk"; text: string }
  | { type: "generation_info"; renderedPrompt?: string; rephrasedQuery?: string }
  | { type: "generation_end" }
  | { type: "factual_consistency_score"; score: number }
  | { type: "end" };

export type ChatStreamEvent = StreamEvent;
export type QueryStreamEvent = Exclude<StreamEvent, { type: "chat_info" }>;

// ------------------------------------------------------------------ mapping

const opt = <T>(v: T | null | undefined): T | undefined => (v === null ? undefined : v);

function toTable(t: NonNullable<WireSearchResult["table"]>): Table {
  const cell = (c: {
    text_value?: string | null;
    int_value?: number | null;
    float_value?: number | null;
    bool_value?: boolean | null;
    colspan?: number | null;
    rowspan?: number | null;
  }): TableCell => ({
    text: opt(c.text_value),
    int: opt(c.int_value),
    float: opt(c.float_value),
    bool: opt(c.bool_value),
    colspan: opt(c.colspan),
    rowspan: opt(c.rowspan),
  });
  return {
    id: opt(t.id),
    title: opt(t.title),
    description: opt(t.description),
    headers: (t.data?.headers ?? []).map((row) => row.map(cell)),
    rows: (t.data?.rows ?? []).map((row) => row.map(cell)),
  };
}

export function toSearchResult(r: WireSearchResult): SearchResult {
  return {
    text: r.text ?? "",
    score: r.score ?? 0,
    documentId: r.document_id ?? "",
    partMetadata: r.part_metadata ?? {},
    documentMetadata: r.document_metadata ?? {},
    requestCorporaIndex: r.request_corpora_index ?? 0,
    corpusKey: opt(r.corpus_key),
    table: r.table ? toTable(r.table) : undefined,
    image: r.image
      ? { id: opt(r.image.id), caption: opt(r.image.caption), mimeType: opt(r.image.mime_type) }
      : undefined,
  };
}

function toRewrittenQueries(list: WireQueryFullResponse["rewritten_queries"]): RewrittenQuery[] {
  return (list ?? []).map((q) => ({
    corpusKey: opt(q.corpus_key),
    query: opt(q.filter_extraction?.query),
    metadataFilter: opt(q.filter_extraction?.metadata_filter),
  }));
}

export function toChatAnswer(r: WireChatFullResponse): ChatAnswer {
  return {
    chatId: opt(r.chat_id),
    turnId: opt(r.turn_id),
    answer: r.answer ?? "",
    responseLanguage: opt(r.response_language),
    searchResults: (r.search_results ?? []).map(toSearchResult),
    factualConsistencyScore: opt(r.factual_consistency_score),
    renderedPrompt: opt(r.rendered_prompt),
    rephrasedQuery: opt(r.rephrased_query),
    warnings: r.warnings ?? [],
    rewrittenQueries: toRewrittenQueries(r.rewritten_queries),
  };
}

export function toQueryAnswer(r: WireQueryFullResponse): QueryAnswer {
  return {
    summary: opt(r.summary),
    responseLanguage: opt(r.response_language),
    searchResults: (r.search_results ?? []).map(toSearchResult),
    factualConsistencyScore: opt(r.factual_consistency_score),
    renderedPrompt: opt(r.rendered_prompt),
    warnings: r.warnings ?? [],
    rewrittenQueries: toRewrittenQueries(r.rewritten_queries),
  };
}

export function toChat(c: WireChat): Chat {
  return {
    id: c.id,
    firstQuery: c.first_query ?? "",
    firstAnswer: c.first_answer ?? "",
    enabled: c.enabled ?? true,
    createdAt: opt(c.created_at),
  };
}

export function toTurn(t: WireTurn, chatId?: string): Turn {
  return {
    id: t.id,
    chatId: t.chat_id ?? chatId ?? "",
    query: t.query ?? "",
    answer: t.answer ?? "",
    enabled: t.enabled ?? true,
    createdAt: opt(t.created_at),
  };
}

export function toCorpus(c: WireCorpus): Corpus {
  return {
    id: opt(c.id),
    key: c.key,
    name: opt(c.name),
    description: opt(c.description),
    enabled: c.enabled ?? true,
    filterAttributes: (c.filter_attributes ?? []).map((a) => ({
      name: a.name,
      level: opt(a.level),
      description: opt(a.description),
      indexed: opt(a.indexed),
      type: opt(a.type),
    })),
    createdAt: opt(c.created_at),
    limits: c.limits
      ? {
          usedDocs: opt(c.limits.used_docs),
          usedParts: opt(c.limits.used_parts),
          usedBytes: opt(c.limits.used_bytes),
          usedCharacters: opt(c.limits.used_characters),
          maxBytes: opt(c.limits.max_bytes),
        }
      : undefined,
  };
}

export function toDocument(d: WireDocument): Document {
  return {
    id: d.id,
    metadata: d.metadata ?? {},
    parts: (d.parts ?? []).map((p) => ({
      text: p.text,
      metadata: p.metadata ?? {},
      context: opt(p.context),
    })),
    tables: (d.tables ?? []).map(toTable),
    ...(d.created_at ? { createdAt: d.created_at } : {}),
    storage: d.storage_usage
      ? {
          bytesUsed: opt(d.storage_usage.bytes_used),
          metadataBytesUsed: opt(d.storage_usage.metadata_bytes_used),
        }
      : undefined,
  };
}

export function toGenerationPreset(p: WireGenerationPreset): GenerationPreset {
  return {
    name: p.name,
    llmName: opt(p.llm_name),
    promptTemplate: opt(p.prompt_template),
    maxUsedSearchResults: opt(p.max_used_search_results),
    maxTokens: opt(p.max_tokens),
    temperature: opt(p.temperature),
    enabled: p.enabled ?? true,
    isDefault: p.default ?? false,
  };
}

/** Maps every event but `error`, which the stream throws instead of yielding. */
export function toStreamEvent(e: Exclude<WireStreamEvent, { type: "error" }>): StreamEvent {
  switch (e.type) {
    case "search_results":
      return {
        type: "search_results",
        searchResults: (e.search_results ?? []).map(toSearchResult),
        rewrittenQueries: toRewrittenQueries(e.rewritten_queries),
      };
    case "chat_info":
      return { type: "chat_info", chatId: opt(e.chat_id), turnId: opt(e.turn_id) };
    case "generation_chunk":
      return { type: "generation_chunk", text: e.generation_chunk };
    case "generation_info":
      return {
        type: "generation_info",
        renderedPrompt: opt(e.rendered_prompt),
        rephrasedQuery: opt(e.rephrased_query),
      };
    case "generation_end":
      return { type: "generation_end" };
    case "factual_consistency_score":
      return { type: "factual_consistency_score", score: e.factual_consistency_score };
    case "end":
      return { type: "end" };
  }
}
