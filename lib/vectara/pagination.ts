import { ProtocolError } from "./errors";

/**
 * One page of a listing. `for await (const item of page)` walks every item from
 * this page on, following `page_key`; `for await (const p of page.pages())` walks
 * the pages themselves.
 */
export class Page<T> implements AsyncIterable<T> {
  constructor(
    readonly items: T[],
    readonly nextPageKey: string | undefined,
    private readonly fetchPage: (pageKey: string) => Promise<Page<T>>,
  ) {}

  hasNextPage(): boolean {
    return this.nextPageKey !== undefined;
  }

  async getNextPage(): Promise<Page<T> | undefined> {
    if (this.nextPageKey === undefined) return undefined;
    const next = await this.fetchPage(this.nextPageKey);
    if (next.nextPageKey !== undefined && next.nextPageKey === this.nextPageKey) {
      throw new ProtocolError("invalid_shape", "The server returned the same page_key twice");
    }
    return next;
  }

  async *pages(): AsyncGenerator<Page<T>, void, undefined> {
    let page: Page<T> | undefined = this;
    while (page) {
      yield page;
      page = await page.getNextPage();
    }
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<T, void, undefined> {
    for await (const page of this.pages()) yield* page.items;
  }
}

/** A `page_key` that is missing, null or empty means the last page. */
export function nextKey(key: string | null | undefined): string | undefined {
  return key ? key : undefined;
}
