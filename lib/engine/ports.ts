/**
 * The engine's contracts between its layers: what the collaborators `createEngine`
 * wires in look like (embeddings, the generator, the rephraser, the filter extractor,
 * the lexicon), the result shape they exchange, and the corpus schema types that
 * `core` compiles against and `store` keeps. Types only, and no imports: every layer
 * may depend on this file and it depends on none (`test/engine/layers.test.ts`).
 */

export type Log = (message: string) => void;

/** Semantic embeddings (`providers/embeddings.ts`); absent means lexical-only retrieval. */
export interface Embedder {
  model: string;
  embed(texts: string[], signal?: AbortSignal): Promise<number[][]>;
}

/**
 * Which words can be nouns or verbs, and their synonyms (`lexicon/wordnet.ts`): follow-up
 * resolution, unknown words and, when enabled, query expansion.
 */
export interface Lexicon {
  /** Synonyms of a folded word: each a list of words (a multi-word lemma is a phrase). */
  synonyms(word: string): string[][];
  /** Whether the word (or its base form) can be a noun. */
  isNoun(word: string): boolean;
  /** Whether the word (or its base form) can be a verb. */
  isVerb(word: string): boolean;
}

export type FilterAttributeType =
  | "integer"
  | "real_number"
  | "text"
  | "boolean"
  | "list[integer]"
  | "list[real_number]"
  | "list[text]";

/** A corpus's declared filter attribute (`filter_attributes`). */
export interface FilterAttribute {
  name: string;
  level: "document" | "part";
  type: FilterAttributeType;
  indexed: boolean;
  description?: string;
}

/** A corpus's custom dimension (`custom_dimensions`). */
export interface CustomDimension {
  name: string;
  description?: string;
  indexing_default: number;
  querying_default: number;
}

/** One Vectara search result (`IndividualSearchResult` plus `corpus_key`). */
export interface SearchResult {
  text: string;
  score: number;
  part_metadata: Record<string, unknown>;
  document_metadata: Record<string, unknown>;
  document_id: string;
  request_corpora_index: number;
  corpus_key: string;
}

/** A typo in a query and the index words retrieval read it as. */
export interface Correction {
  word: string;
  readAs: string[];
}

/**
 * The generation seam. `EngineServices.generate` is set by `createEngine` to
 * `generation.ts` (extractive, or the configured LLM); when undefined, a request's
 * `generation` is answered with search results only. When defined, the search and
 * chat services call it with the results and relay what it yields: chunks become
 * `summary` (or `generation_chunk` events), then `generation_end` and the optional
 * factual consistency score.
 */
export interface GenerationRequest {
  query: string;
  results: SearchResult[];
  /** The request's `generation` object as sent (preset, prompt, citations…). */
  generation: Record<string, unknown>;
  signal: AbortSignal;
  /** Chat only: the chat's earlier enabled turns, oldest first. */
  history?: Array<{ query: string; answer: string }>;
  /** Chat only: the standalone query retrieval ran with (`query` stays the user's message). */
  rephrasedQuery?: string;
  /** Words of the query the index has never seen (and that no typo correction explained). */
  unknownWords?: string[];
  /** Typos in the query and the index words retrieval read them as. */
  corrections?: Correction[];
}

export type GenerationEvent =
  | { type: "chunk"; text: string }
  | {
      type: "info";
      rendered_prompt?: string;
      rephrased_query?: string;
      /** The language the answer was asked in (ISO 639-3): as requested, or detected for `auto`. */
      response_language?: string;
    }
  | { type: "factual_consistency_score"; score: number };

export type GenerateFn = (request: GenerationRequest) => AsyncIterable<GenerationEvent>;

/** Rewrites a chat follow-up into a standalone query (an LLM's job). */
export type RephraseFn = (input: {
  query: string;
  history: Array<{ query: string; answer: string }>;
  signal: AbortSignal;
}) => Promise<string>;

/** What `intelligent_query_rewriting` asks of the model for one corpus. */
export type ExtractFilterFn = (input: {
  query: string;
  attributes: Array<{ name: string; level: string; type: string; description?: string }>;
  signal: AbortSignal;
}) => Promise<{ query: string; metadata_filter: string }>;

/** One entry of `GET /v2/generation_presets`. */
export interface GenerationPreset {
  name: string;
  description: string;
  llm_name: string;
  prompt_template: string;
  max_used_search_results: number;
  max_tokens?: number;
  temperature?: number;
  enabled: boolean;
  default: boolean;
}

/**
 * One entry of `GET /v2/llms`: a generator `generation.model_parameters.llm_name` can
 * name (`generation.ts`: the extractive generator, and the configured LLM when there is one).
 */
export interface GenerationLlm {
  id: string;
  name: string;
  description: string;
  enabled: boolean;
  default: boolean;
}

/** The engine's collaborators, wired by `createEngine`; all but `log` optional. */
export interface EngineServices {
  /** Semantic embeddings; absent means lexical-only retrieval. */
  embedder?: Embedder;
  /** WordNet: parts of speech for follow-ups and unknown words; absent means none. */
  lexicon?: Lexicon;
  /** Whether WordNet's synonyms also expand queries (off by default: see docs/engine.md). */
  wordnetSynonyms?: boolean;
  /**
   * Summary generation for requests with `generation`; `createEngine` always sets it
   * (`generation.ts`: extractive, or the LLM when configured). Undefined means search
   * results only.
   */
  generate?: GenerateFn;
  /** Rewrites a chat follow-up into a standalone query; only with an LLM (`generation.ts`). */
  rephrase?: RephraseFn;
  /** What `GET /v2/generation_presets` lists; the extractive preset alone when absent. */
  presets?: GenerationPreset[];
  /** What `GET /v2/llms` lists and `model_parameters.llm_name` may name; the extractive one alone when absent. */
  llms?: GenerationLlm[];
  /** `intelligent_query_rewriting`'s filter extraction; only with an LLM (`services/rewrite.ts`). */
  extractFilter?: ExtractFilterFn;
  /** Query history's retention (`services/history.ts`: 30 days, 100,000 rows when absent). */
  queryHistory?: { maxAgeDays: number; maxRows: number };
  log: Log;
}
