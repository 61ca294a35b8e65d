export { type SourceFile, sha256, walkPaths } from "./files";
export {
  type Chunking,
  CONTENT_HASH,
  type CreateCorpusOptions,
  IngestError,
  type IngestOptions,
  type IngestOutcome,
  type IngestProgress,
  type IngestSummary,
  ingest,
  SOURCE_PATH,
  toChunkingStrategy,
} from "./ingest";
export { SUPPORT_KB_FILTER_ATTRIBUTES } from "./kb";
export { type ParsedFile, parseFile } from "./parse";
