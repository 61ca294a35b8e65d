export { type AuthProvider, apiKeyAuth, type FetchLike, OAuthClientCredentials } from "./auth";
export {
  createVectaraClient,
  type VectaraAuth,
  type VectaraClient,
  type VectaraClientOptions,
} from "./client";
export type * from "./domain";
export * from "./errors";
export { Page } from "./pagination";
export type { Encoder, Llm, Reranker } from "./resources/catalog";
export type { DocumentSummary, SummaryStreamEvent } from "./resources/documents";
export type { FactualConsistency } from "./resources/factual-consistency";
export type { Job } from "./resources/jobs";
export type { MetadataQueryResult, ScoredDocument } from "./resources/metadata";
export type {
  QueryHistory,
  QueryHistorySpan,
  QueryHistorySummary,
} from "./resources/queries";
export type { UploadableFile } from "./resources/upload";
export type { ListCatalogParams } from "./schemas/catalog";
export type { ChatRequest, ListChatsParams, ListTurnsParams } from "./schemas/chats";
export type {
  CitationParameters,
  ContextConfiguration,
  GenerationParameters,
  KeyedSearchCorpus,
  SearchCorporaParameters,
  SearchCorpusParameters,
  SearchReranker,
} from "./schemas/common";
export type {
  CreateCorpusRequest,
  FilterAttribute as FilterAttributeInput,
  ListCorporaParams,
  UpdateCorpusRequest,
} from "./schemas/corpora";
export type {
  ChunkingStrategy,
  CreateDocumentRequest,
  ListDocumentsParams,
  UploadFileOptions,
} from "./schemas/documents";
export type { JobState, ListJobsParams } from "./schemas/jobs";
export type { MetadataQueryRequest } from "./schemas/metadata";
export type { ListQueryHistoriesParams } from "./schemas/queries";
export type { QueryCorpusRequest, QueryRequest, SearchCorpusParams } from "./schemas/query";
export type {
  EvaluateFactualConsistencyRequest,
  SummarizeDocumentRequest,
} from "./schemas/summaries";
export { EventStream } from "./stream";
export type { RequestOptions } from "./transport";
