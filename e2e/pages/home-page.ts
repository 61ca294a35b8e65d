import type { Locator, Page, Response } from "@playwright/test";

/** The new-conversation page at `/`, inside the chat app shell. */
export class HomePage {
  readonly shell: Locator;
  readonly header: Locator;
  readonly modeBadge: Locator;
  readonly sidebar: Locator;
  readonly main: Locator;
  readonly heading: Locator;
  readonly exampleQuestions: Locator;

  constructor(readonly page: Page) {
    this.shell = page.getByTestId("app-shell");
    this.header = page.getByTestId("app-header");
    this.modeBadge = page.getByTestId("mode-badge");
    this.sidebar = page.getByTestId("history-sidebar");
    this.main = page.getByTestId("main");
    this.heading = this.main.getByRole("heading", { level: 1 });
    this.exampleQuestions = page.getByTestId("example-question");
  }

  async goto(): Promise<Response> {
    const response = await this.page.goto("/");
    if (!response) throw new Error("Navigating to / produced no response");
    return response;
  }
}
