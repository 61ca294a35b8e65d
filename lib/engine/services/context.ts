import type { Deadline } from "../core/deadline";
import { errors } from "../core/errors";
import type { EngineServices, Log } from "../ports";
import type { EngineState } from "../state";
import { type CorpusRow, getCorpusByKey, isCorpusKey } from "../store/corpora";
import type { DB } from "../store/db";

/**
 * What a service call runs with: the engine (its database, collaborators and in-memory
 * state) and the caller (which corpora it may touch, its time budget, its abort
 * signal). Plain values: the HTTP layer builds one per request (`http/context.ts`),
 * in-process callers (tests, tools) build their own with `Engine.context()`.
 */
export interface EngineContext {
  db: DB;
  services: EngineServices;
  state: EngineState;
  /** The corpora the caller may touch; null or undefined means every corpus. */
  scope?: readonly string[] | null;
  deadline: Deadline;
  /** Aborts when the caller goes away. */
  signal: AbortSignal;
  log: Log;
}

/** A caller scoped to some corpora may only touch those (403). */
export function assertCorpusAccess(ctx: Pick<EngineContext, "scope">, corpusKey: string): void {
  if (ctx.scope && !ctx.scope.includes(corpusKey)) {
    throw errors.forbidden(`This API key has no access to corpus '${corpusKey}'`);
  }
}

/** The corpus with this key, or a 404; checks the caller's scope (403). */
export function requireCorpus(ctx: Pick<EngineContext, "db" | "scope">, key: string): CorpusRow {
  if (!isCorpusKey(key)) throw errors.notFound("Corpus", key);
  assertCorpusAccess(ctx, key);
  const corpus = getCorpusByKey(ctx.db, key);
  if (!corpus) throw errors.notFound("Corpus", key);
  return corpus;
}

/** One signal for the caller's, the deadline's and any others given. */
export function callSignal(
  ctx: EngineContext,
  ...more: Array<AbortSignal | undefined>
): AbortSignal {
  const live = [ctx.signal, ...more, ctx.deadline.signal()].filter(
    (s): s is AbortSignal => s !== undefined,
  );
  return AbortSignal.any(live);
}
