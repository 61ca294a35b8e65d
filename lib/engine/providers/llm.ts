import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import { APICallError, generateText, RetryError, streamText } from "ai";
import { EngineError, errors } from "../core/errors";
import type { PromptMessage } from "../core/generation/template";

/**
 * Answer generation through an OpenAI-compatible `/chat/completions` endpoint
 * (Ollama, vLLM, llama.cpp, OpenAI…) via the AI SDK, used when `LLM_BASE_URL` and
 * `LLM_MODEL` are set. Failures become engine errors the HTTP layer already
 * knows how to answer:
 * - the caller's deadline (`Request-Timeout(-Millis)`, via the signal) → 408, like
 *   every other engine timeout;
 * - the endpoint answering an error, unreachable, or sending junk → 502;
 * - the endpoint not answering within `timeoutMs` (our own budget) → 504.
 * Before the first token these are ordinary error responses; after it, the
 * query stream turns them into an `error` event. Retries (`maxRetries`) happen only
 * before streaming starts, as the AI SDK does.
 */
export interface LlmOptions {
  /** The API root, e.g. `http://localhost:11434/v1`. */
  baseURL: string;
  model: string;
  apiKey?: string;
  fetch?: typeof fetch;
  /** Retries of the initial call on 408/409/429/5xx and network errors; default 1. */
  maxRetries?: number;
  /** The endpoint's own budget per call; default 120 s. */
  timeoutMs?: number;
}

export interface LlmCallOptions {
  signal: AbortSignal;
  maxTokens?: number;
  temperature?: number;
  frequencyPenalty?: number;
  presencePenalty?: number;
}

export interface Llm {
  model: string;
  /** Text deltas as the model writes them. */
  stream(messages: PromptMessage[], options: LlmCallOptions): AsyncIterable<string>;
  complete(messages: PromptMessage[], options: LlmCallOptions): Promise<string>;
}

export function createLlm(options: LlmOptions): Llm {
  const provider = createOpenAICompatible({
    baseURL: options.baseURL.replace(/\/+$/, ""),
    name: "parley-llm",
    apiKey: options.apiKey,
    fetch: options.fetch,
  });
  const model = provider.chatModel(options.model);
  const budget = options.timeoutMs ?? 120_000;
  const settings = (messages: PromptMessage[], call: LlmCallOptions, own: AbortSignal) => ({
    model,
    messages,
    allowSystemInMessages: true,
    abortSignal: AbortSignal.any([call.signal, own]),
    maxRetries: options.maxRetries ?? 1,
    maxOutputTokens: call.maxTokens,
    temperature: call.temperature,
    frequencyPenalty: call.frequencyPenalty,
    presencePenalty: call.presencePenalty,
  });

  return {
    model: options.model,
    async *stream(messages, call) {
      const own = AbortSignal.timeout(budget);
      const result = streamText({
        ...settings(messages, call, own),
        // Errors arrive as `error` parts below; the default handler would also log them.
        onError: () => undefined,
      });
      try {
        for await (const part of result.fullStream) {
          if (part.type === "text-delta") {
            if (part.text) yield part.text;
          } else if (part.type === "error") {
            throw part.error;
          } else if (part.type === "abort") {
            throw call.signal.reason ?? own.reason ?? new Error("aborted");
          }
        }
      } catch (error) {
        throw toEngineError(error, call.signal, own, budget);
      }
    },
    async complete(messages, call) {
      const own = AbortSignal.timeout(budget);
      try {
        const { text } = await generateText(settings(messages, call, own));
        return text;
      } catch (error) {
        throw toEngineError(error, call.signal, own, budget);
      }
    },
  };
}

/** Maps what the AI SDK throws onto the statuses above; never leaks upstream bodies. */
export function toEngineError(
  error: unknown,
  caller: AbortSignal,
  own: AbortSignal,
  budget: number,
): EngineError {
  if (error instanceof EngineError) return error;
  if (caller.aborted) {
    return new EngineError("timeout", "The request did not finish within its timeout");
  }
  if (own.aborted) {
    return errors.gatewayTimeout(`The language model did not answer within ${budget} ms`);
  }
  const cause = RetryError.isInstance(error) ? error.lastError : error;
  if (APICallError.isInstance(cause) && cause.statusCode !== undefined) {
    const message = `The language model endpoint answered ${cause.statusCode}`;
    const timedOut = cause.statusCode === 408 || cause.statusCode === 504;
    return timedOut ? errors.gatewayTimeout(message) : errors.badGateway(message);
  }
  if (APICallError.isInstance(cause)) {
    return errors.badGateway("The language model endpoint could not be reached");
  }
  return errors.badGateway("The language model endpoint sent an answer that could not be read");
}
