import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import { embedMany } from "ai";
import { z } from "zod";
import type { Embedder } from "../ports";

/**
 * Semantic embeddings from an OpenAI-compatible `/embeddings` endpoint (Ollama,
 * vLLM, llama.cpp, OpenAI…) through the AI SDK. Used only when
 * `EMBEDDING_BASE_URL` is set (`lib/config.ts` validates it; the app passes
 * `createEmbedder(...)` to `createEngine({ embedder })`); without it nothing here
 * runs and retrieval is lexical only. The response is validated: one finite vector per input, all of
 * the same non-zero length, or the call fails (and the engine falls back to
 * lexical ranking for that query).
 */
export interface EmbedderOptions {
  /** The API root, e.g. `http://localhost:11434/v1` (requests go to `${baseURL}/embeddings`). */
  baseURL: string;
  model: string;
  apiKey?: string;
  /** For tests and proxies. */
  fetch?: typeof fetch;
  /** Retries per call (the AI SDK's, with backoff); default 2. */
  maxRetries?: number;
}

const vectorsSchema = z
  .array(z.array(z.number().refine(Number.isFinite, "must be a finite number")).min(1))
  .refine((vs) => vs.every((v) => v.length === vs[0]?.length), "vectors differ in length");

export function createEmbedder(options: EmbedderOptions): Embedder {
  const provider = createOpenAICompatible({
    baseURL: options.baseURL.replace(/\/+$/, ""),
    name: "parley-embeddings",
    apiKey: options.apiKey,
    fetch: options.fetch,
  });
  const model = provider.embeddingModel(options.model);
  return {
    model: options.model,
    async embed(texts, signal) {
      if (texts.length === 0) return [];
      const { embeddings } = await embedMany({
        model,
        values: texts,
        abortSignal: signal,
        maxRetries: options.maxRetries ?? 2,
      });
      const vectors = vectorsSchema.parse(embeddings);
      if (vectors.length !== texts.length) {
        throw new Error(
          `the embeddings endpoint returned ${vectors.length} vectors for ${texts.length} texts`,
        );
      }
      return vectors;
    },
  };
}
