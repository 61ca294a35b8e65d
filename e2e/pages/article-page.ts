import type { Locator, Page } from "@playwright/test";

/** The in-app article reader, `/articles/[...id]`. */
export class ArticlePage {
  readonly article: Locator;
  readonly title: Locator;
  readonly body: Locator;
  /** Each marked piece of the cited passage. */
  readonly highlights: Locator;
  readonly highlightLabel: Locator;
  readonly original: Locator;
  readonly scroller: Locator;
  readonly notFound: Locator;
  readonly passageMissing: Locator;

  constructor(readonly page: Page) {
    this.article = page.getByTestId("article");
    this.title = page.getByTestId("article-title");
    this.body = page.getByTestId("article-body");
    this.highlights = page.getByTestId("article-highlight");
    this.highlightLabel = page.getByTestId("article-highlight-label");
    this.original = page.getByTestId("article-original");
    this.scroller = page.getByTestId("article-scroller");
    this.notFound = page.getByTestId("article-not-found");
    this.passageMissing = page.getByTestId("article-passage-missing");
  }

  /** The cited passage as one text: its marked pieces, whitespace collapsed. */
  async highlightedText(): Promise<string> {
    return collapse((await this.highlights.allTextContents()).join(" "));
  }
}

export const collapse = (text: string) => text.replace(/\s+/g, " ").trim();
