import { expect, type Frame, type FrameLocator, type Locator, type Page } from "@playwright/test";
import type { HostCheck } from "../support/host-pages";

/**
 * Parley's widget on a host page (public/widget.js): the launcher and the panel live in the
 * open shadow root of <parley-widget>, which Playwright's role locators pierce; the chat
 * itself is the panel's iframe (Parley's /embed).
 */
export class WidgetOnHost {
  readonly widget: Locator;
  readonly launcher: Locator;
  readonly panel: Locator;
  readonly closeButton: Locator;
  readonly iframe: Locator;
  /** The chat inside the panel's iframe. */
  readonly embed: FrameLocator;

  constructor(
    readonly page: Page,
    readonly title = "Help",
  ) {
    this.widget = page.locator("parley-widget");
    this.launcher = this.widget.getByRole("button", { name: `Open ${title}`, exact: true });
    this.panel = this.widget.getByRole("dialog", { name: title, exact: true });
    this.closeButton = this.panel.getByRole("button", { name: `Close ${title}`, exact: true });
    this.iframe = this.panel.getByTitle(`${title} chat`, { exact: true });
    this.embed = page.frameLocator(`parley-widget iframe[title="${title} chat"]`);
  }

  /** The chat's questions and answers inside the frame. */
  get questions(): Locator {
    return this.embed.getByTestId("message-user");
  }

  get answers(): Locator {
    return this.embed.getByTestId("message-assistant");
  }

  /** Waits until the n-th answer in the frame has finished streaming. */
  async waitForAnswer(n: number): Promise<Locator> {
    const answer = this.answers.nth(n);
    await expect(answer).toHaveAttribute("data-status", "complete", { timeout: 20_000 });
    // The score and sources are a chunk of their own, shown after the text.
    await expect(answer.getByTestId("answer-extras")).toBeAttached({ timeout: 20_000 });
    return answer;
  }

  /** An answer's text, as its Markdown (or plain text, before Markdown loads) shows it. */
  async answerText(answer: Locator): Promise<string> {
    const body = answer.locator("[data-testid=answer-markdown], [data-testid=answer-plain]");
    return (await body.first().textContent()) ?? "";
  }

  /** What the host page has heard from Parley (`plain`'s `host-events` list), parsed. */
  async hostEvents(): Promise<Array<Record<string, unknown>>> {
    const texts = await this.page.getByTestId("host-events").locator("li").allTextContents();
    return texts.map((t) => JSON.parse(t) as Record<string, unknown>);
  }

  /** Goes to a host page and waits for the widget's launcher. */
  async goto(url: string): Promise<void> {
    await this.page.goto(url);
    await this.launcher.waitFor();
  }

  /** Resolves once the panel's opening animation (if motion is not reduced) has finished. */
  async panelSettled(): Promise<void> {
    await this.panel.evaluate((el) => Promise.all(el.getAnimations().map((a) => a.finished)));
  }

  /** The host page's own use of the API: a message to its own window. */
  async post(message: unknown): Promise<void> {
    await this.page.evaluate((m) => window.postMessage(m, location.origin), message);
  }

  /**
   * Resolves once every message posted to the host window before it has been handled:
   * a last message goes the same way, and events are dispatched in order.
   */
  async messagesHandled(): Promise<void> {
    await this.page.evaluate(
      () =>
        new Promise<void>((resolve) => {
          const marker = `handled-${Math.random()}`;
          const listener = (event: MessageEvent) => {
            if (event.data !== marker) return;
            window.removeEventListener("message", listener);
            resolve();
          };
          window.addEventListener("message", listener);
          window.postMessage(marker, location.origin);
        }),
    );
  }

  /** The panel iframe's frame (its URL and document), once the iframe exists. */
  async embedFrame(): Promise<Frame> {
    const handle = await this.iframe.elementHandle();
    const frame = await handle?.contentFrame();
    if (!frame) throw new Error("the widget's iframe has no frame");
    return frame;
  }

  /** Whether the host document's focus is on the panel's iframe (inside the widget's shadow root). */
  focusIsOnIframe(): Promise<boolean> {
    return this.page.evaluate(() => {
      const host = document.activeElement;
      return (
        host?.localName === "parley-widget" &&
        host.shadowRoot?.activeElement?.localName === "iframe"
      );
    });
  }

  /** Whether the host document's focus is anywhere in the widget (its iframe included). */
  focusIsInWidget(): Promise<boolean> {
    return this.page.evaluate(() => document.activeElement?.localName === "parley-widget");
  }

  /** What `window.hostCheck()` on the host-pages `aggressive` page reports. */
  hostCheck(): Promise<HostCheck> {
    return this.page.evaluate(() => (window as unknown as { hostCheck(): HostCheck }).hostCheck());
  }

  /** The element hit at the centre of `locator`'s box, as seen inside the widget's shadow root. */
  hitAtCentreOf(locator: Locator): Promise<string | null> {
    return locator.evaluate((el) => {
      const box = el.getBoundingClientRect();
      const root = el.getRootNode() as ShadowRoot;
      const hit = root.elementFromPoint(box.x + box.width / 2, box.y + box.height / 2);
      return hit?.closest("button")?.getAttribute("aria-label") ?? hit?.localName ?? null;
    });
  }
}
