import { KeyedMutex } from "./core/mutex";
import { createSearchCaches, type SearchCaches } from "./store/search";

/**
 * What one engine keeps in memory besides its database handle: created by
 * `createEngine`, reached through `EngineContext.state`, dropped with the engine. Each
 * worker thread of the pool (`worker/pool.ts`) has its own engine and so its own state;
 * the pool sends every request about one chat to the same worker for that reason.
 */
export interface EngineState {
  /** One lock per chat: its turns, disables and deletes run one at a time. */
  chatLocks: KeyedMutex;
  /**
   * Searching's caches (`store/search.ts`): prepared statements, index counts, the term
   * statistics sketch, vector matrices and the embedding loop, the vocabulary copy for
   * typo correction.
   */
  search: SearchCaches;
}

export function createEngineState(): EngineState {
  return { chatLocks: new KeyedMutex(), search: createSearchCaches() };
}
