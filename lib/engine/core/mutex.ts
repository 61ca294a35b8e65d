/**
 * An in-process async mutex per key: `run(key, fn)` waits for every earlier `run`
 * with the same key to settle, then runs `fn`. Different keys never wait on each
 * other. Used to serialize turns on one chat, so each turn reads a history that
 * already holds the turn before it.
 */
export class KeyedMutex {
  private readonly tails = new Map<string, Promise<void>>();

  async run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    let release = () => {};
    const mine = new Promise<void>((resolve) => {
      release = resolve;
    });
    const tail = previous.then(() => mine);
    this.tails.set(key, tail);
    await previous;
    try {
      return await fn();
    } finally {
      release();
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }
}
