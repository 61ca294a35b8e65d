import { KeyedMutex } from "./core/mutex";
import { createVocabularyCache, type VocabularyCache } from "./store/vocabulary";

/**
 * What one engine keeps in memory besides its database handle: created by
 * `createEngine`, reached through `EngineContext.state`, dropped with the engine. Each
 * worker thread of the pool (`worker/pool.ts`) has its own engine and so its own state;
 * the pool sends every request about one chat to the same worker for that reason.
 */
export interface EngineState {
  /** One lock per chat: its turns, disables and deletes run one at a time. */
  chatLocks: KeyedMutex;
  /** The word index's vocabulary, copied for typo correction (`store/vocabulary.ts`). */
  vocabulary: VocabularyCache;
}

export function createEngineState(): EngineState {
  return { chatLocks: new KeyedMutex(), vocabulary: createVocabularyCache() };
}
