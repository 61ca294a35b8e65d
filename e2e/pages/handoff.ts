import { expect, type Locator, type Page } from "@playwright/test";

/** The visitor's way to a person: the offer under an answer, the dialog, the status line. */
export class HandoffPanel {
  readonly offer: Locator;
  readonly offerButton: Locator;
  readonly barButton: Locator;
  readonly dialog: Locator;
  readonly email: Locator;
  readonly message: Locator;
  readonly submit: Locator;
  readonly confirmation: Locator;
  readonly done: Locator;
  readonly status: Locator;

  constructor(readonly page: Page) {
    this.offer = page.getByTestId("handoff-offer");
    this.offerButton = page.getByTestId("handoff-offer-open");
    this.barButton = page.getByTestId("handoff-open");
    this.dialog = page.getByTestId("handoff-dialog");
    this.email = this.dialog.getByTestId("handoff-email");
    this.message = this.dialog.getByTestId("handoff-message");
    this.submit = this.dialog.getByTestId("handoff-submit");
    this.confirmation = this.dialog.getByTestId("handoff-confirmation");
    this.done = this.dialog.getByTestId("handoff-done");
    this.status = page.getByTestId("handoff-status");
  }

  /** Fills and sends the dialog (already open), and waits for its confirmation. */
  async request(email: string, message: string) {
    await this.email.fill(email);
    await this.message.fill(message);
    await this.submit.click();
    await expect(this.confirmation).toBeVisible();
  }
}

/** The transcript page's Handoff panel (staff). */
export class StaffHandoffPanel {
  readonly panel: Locator;
  readonly email: Locator;
  readonly message: Locator;
  readonly state: Locator;
  readonly updated: Locator;

  constructor(readonly page: Page) {
    this.panel = page.getByTestId("handoff-panel");
    this.email = this.panel.getByTestId("handoff-email");
    this.message = this.panel.getByTestId("handoff-message");
    this.state = this.panel.getByTestId("handoff-state");
    this.updated = this.panel.getByTestId("handoff-updated");
  }
}
