export { type SourceFile, sha256, walkPaths } from "./files";
export {
  type BatchIndexer,
  CHUNKING,
  type Chunking,
  CONTENT_HASH,
  type CreateCorpusOptions,
  DEFAULT_CHUNKING,
  IngestError,
  type IngestOptions,
  type IngestOutcome,
  type IngestProgress,
  type IngestSummary,
  ingest,
  SOURCE_PATH,
  toChunkingStrategy,
} from "./ingest";
export { DEMO_KB_DIR, SUPPORT_KB_FILTER_ATTRIBUTES } from "./kb";
export { type ParsedFile, parseFile } from "./parse";
