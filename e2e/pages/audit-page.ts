import type { Locator, Page } from "@playwright/test";

/** `/agent/audit`: the moderation audit log. */
export class AuditPage {
  readonly rows: Locator;

  constructor(readonly page: Page) {
    this.rows = page.getByTestId("audit-row");
  }

  async goto(filters: { chatId?: string } = {}) {
    await this.page.goto(`/agent/audit${filters.chatId ? `?chat_id=${filters.chatId}` : ""}`);
  }

  /** Which turns a row names: "Turns 2–3". */
  turns(row: Locator): Locator {
    return row.getByTestId("audit-turns");
  }

  /** The affected turns' questions, each "n. question"; the later ones sit behind a disclosure. */
  questions(row: Locator): Locator {
    return row.getByTestId("audit-question");
  }

  async showLaterQuestions(row: Locator) {
    await row.locator("summary").click();
  }

  /** Before and after, in words. */
  change(row: Locator): Locator {
    return row.getByTestId("audit-change");
  }

  conversationLink(row: Locator): Locator {
    return row.getByTestId("audit-chat-link");
  }

  conversationDeleted(row: Locator): Locator {
    return row.getByTestId("audit-chat-deleted");
  }
}
