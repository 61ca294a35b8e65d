/**
 * Paces an answer's text to a readable rate. The extractive generator writes a whole
 * answer in a few milliseconds; sent as it comes, the visitor sees it appear at once, and
 * Stop can never cut it. Paced, the words arrive a few at a time, and the server is never
 * far ahead of what the visitor has read, so what Stop leaves is close to what was seen.
 *
 * A source slower than the rate (a model generating tokens) is never held back: the
 * pacer only waits when the words are ahead of the schedule, and it saves no credit while
 * the source is slow, so a burst after a pause is paced again.
 */

/** Words sent together: at 40 words a second, one piece every 75 ms. */
export const WORDS_PER_PIECE = 3;

/**
 * Splits text into pieces of `size` words, each with the whitespace that follows it, so
 * that joining the pieces gives back the text exactly. Leading whitespace goes with the
 * first piece.
 */
export function wordPieces(text: string, size = WORDS_PER_PIECE): string[] {
  const words = text.match(/\s*\S+\s*/g);
  if (!words) return text ? [text] : [];
  const pieces: string[] = [];
  for (let i = 0; i < words.length; i += size) pieces.push(words.slice(i, i + size).join(""));
  return pieces;
}

export interface Pacer {
  /** Resolves when `words` more words may go out; at once when the rate is 0. */
  wait(words: number, signal?: AbortSignal): Promise<void>;
}

export function createPacer({
  wordsPerSecond,
  now = () => performance.now(),
  sleep = sleepFor,
}: {
  /** 0: no pacing. */
  wordsPerSecond: number;
  now?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}): Pacer {
  // When the next words may go out. Never left in the past, so no credit builds up.
  let allowedAt = Number.NEGATIVE_INFINITY;
  return {
    async wait(words, signal) {
      if (wordsPerSecond <= 0 || words <= 0) return;
      const t = now();
      if (allowedAt < t) allowedAt = t;
      const delay = allowedAt - t;
      allowedAt += (words * 1000) / wordsPerSecond;
      if (delay > 0) await sleep(delay, signal);
    },
  };
}

/** Sleeps `ms`, or until `signal` aborts (then resolves early; the caller checks the signal). */
function sleepFor(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
  });
}
