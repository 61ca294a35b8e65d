import type { Locator, Page } from "@playwright/test";

/** `/agent`: the triage queue and the table of all conversations. */
export class AgentConsolePage {
  readonly triageQueue: Locator;
  readonly table: Locator;
  readonly rows: Locator;
  readonly filter: Locator;
  readonly loadMore: Locator;

  constructor(readonly page: Page) {
    this.triageQueue = page.getByTestId("triage-queue");
    this.table = page.getByTestId("chats-table");
    this.rows = page.getByTestId("chat-row");
    this.filter = page.getByTestId("chats-filter");
    this.loadMore = page.getByTestId("load-more");
  }

  async goto() {
    await this.page.goto("/agent");
  }

  async showAll() {
    await this.page.getByTestId("tab-all").click();
  }

  /** Searches the "All conversations" list, by words (the default) or a regular expression. */
  async filterBy(text: string, mode: "words" | "regex" = "words") {
    await this.page.getByTestId(`search-mode-${mode}`).click();
    await this.filter.fill(text);
    await this.page.getByTestId("apply-filter").click();
    // The search is applied once the URL says so: until then the rows are the last search's.
    await this.page.waitForURL(
      (url) =>
        (url.searchParams.get("q") ?? "") === text.trim() &&
        (url.searchParams.get("mode") ?? "words") === mode,
    );
  }

  /** What the console says about a search it refused (a bad pattern, no words). */
  get searchError(): Locator {
    return this.page.getByTestId("search-error");
  }

  get searchHelp(): Locator {
    return this.page.getByTestId("search-help");
  }

  /** The row's snippet of the turn a word search matched. */
  snippet(chatId: string): Locator {
    return this.row(chatId).getByTestId("match-snippet");
  }

  row(chatId: string): Locator {
    return this.page.locator(`[data-testid="chat-row"][data-chat-id="${chatId}"]`);
  }
}

/** `/agent/chats/[id]`: the transcript, its inspector, notes and moderation. */
export class TranscriptPage {
  readonly turns: Locator;
  readonly disabledBadges: Locator;
  readonly noteInput: Locator;
  readonly exportJson: Locator;
  readonly disableButtons: Locator;
  readonly disableReason: Locator;
  readonly confirmDisable: Locator;

  constructor(readonly page: Page) {
    this.turns = page.getByTestId("turn");
    this.disabledBadges = page.getByTestId("turn-disabled");
    this.noteInput = page.getByTestId("note-input");
    this.exportJson = page.getByTestId("export-json");
    this.disableButtons = page.getByTestId("disable-turn-button");
    this.disableReason = page.getByTestId("disable-reason");
    this.confirmDisable = page.getByTestId("confirm-disable");
  }

  async goto(chatId: string) {
    return this.page.goto(`/agent/chats/${chatId}`);
  }

  turn(n: number): Locator {
    return this.turns.nth(n);
  }

  inspector(n: number): Locator {
    return this.turn(n).getByTestId("turn-inspector");
  }
}
