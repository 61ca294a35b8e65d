import type { Locator, Page } from "@playwright/test";

/** `/agent/insights`: the period's charts and the knowledge-gap report. */
export class InsightsPage {
  readonly heading: Locator;
  readonly range: Locator;
  readonly charts: Locator;
  readonly totals: Locator;
  readonly gapGroups: Locator;
  readonly gapsSummary: Locator;
  readonly csvLink: Locator;
  readonly help: Locator;

  constructor(readonly page: Page) {
    this.heading = page.getByRole("heading", { level: 1, name: "Insights" });
    this.range = page.getByTestId("insights-range");
    this.charts = page.locator("figure[data-testid^=chart-]");
    this.totals = page.getByTestId("insights-totals");
    this.gapGroups = page.getByTestId("gap-group");
    this.gapsSummary = page.getByTestId("gaps-summary");
    this.csvLink = page.getByTestId("gaps-csv");
    this.help = page.getByTestId("insights-help");
  }

  async goto(days?: 7 | 30 | 90) {
    await this.page.goto(`/agent/insights${days ? `?days=${days}` : ""}`);
  }

  chart(name: "questions" | "answered" | "feedback" | "low-score" | "moderated" | "first-token") {
    return this.page.getByTestId(`chart-${name}`);
  }

  period(days: 7 | 30 | 90): Locator {
    return this.page.getByTestId(`insights-period-${days}`);
  }

  /** The gap group whose label or examples hold `text`. */
  gapGroup(text: string): Locator {
    return this.gapGroups.filter({ hasText: text });
  }

  count(group: Locator): Locator {
    return group.getByTestId("gap-count");
  }

  conversationsLink(group: Locator): Locator {
    return group.getByTestId("gap-conversations");
  }
}
