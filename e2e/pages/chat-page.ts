import { expect, type Locator, type Page } from "@playwright/test";

/** The chat: `/` (a new conversation) and `/chat/[id]`, with the history sidebar. */
export class ChatPage {
  readonly input: Locator;
  readonly sendButton: Locator;
  readonly stopButton: Locator;
  readonly newChatButton: Locator;
  readonly userMessages: Locator;
  readonly assistantMessages: Locator;
  readonly error: Locator;
  readonly retryButton: Locator;
  readonly sidebar: Locator;
  readonly historyItems: Locator;
  readonly removedTurns: Locator;
  readonly header: Locator;
  readonly threadScroller: Locator;

  constructor(
    readonly page: Page,
    readonly baseURL = "",
  ) {
    this.input = page.getByTestId("chat-input");
    this.sendButton = page.getByTestId("send-button");
    this.stopButton = page.getByTestId("stop-button");
    this.newChatButton = page.getByTestId("new-chat");
    this.userMessages = page.getByTestId("message-user");
    this.assistantMessages = page.getByTestId("message-assistant");
    this.error = page.getByTestId("chat-error");
    this.retryButton = page.getByTestId("retry-button");
    this.sidebar = page.getByTestId("history-sidebar");
    this.historyItems = page.getByTestId("history-item");
    this.removedTurns = page.getByTestId("removed-turn");
    this.header = page.getByTestId("app-header");
    this.threadScroller = page.getByTestId("thread-scroller");
  }

  async goto(path = "/") {
    const response = await this.page.goto(`${this.baseURL}${path}`);
    if (!response) throw new Error(`Navigating to ${path} produced no response`);
    return response;
  }

  /** Types a question and sends it with the button. */
  async ask(question: string) {
    await this.input.fill(question);
    await this.sendButton.click();
  }

  /** Asks each question in a new conversation, waiting for each answer; returns its chat id. */
  async converse(questions: string[]): Promise<string> {
    await this.goto("/");
    for (const [n, question] of questions.entries()) {
      await this.ask(question);
      await this.waitForAnswer(n);
    }
    return this.chatIdFromUrl();
  }

  /** The n-th answer (0-based). */
  answer(n: number): Locator {
    return this.assistantMessages.nth(n);
  }

  /** Waits until the n-th answer has finished streaming (complete: with its score and sources). */
  async waitForAnswer(n: number, status: "complete" | "stopped" | "error" = "complete") {
    await expect(this.answer(n)).toHaveAttribute("data-status", status, { timeout: 20_000 });
    if (status === "complete") await this.extrasShown(this.answer(n));
    return this.answer(n);
  }

  /**
   * A complete answer's score, sources and actions (`answer-extras`): a chunk of their own,
   * shown after the text, so a test that reads them waits for them.
   */
  async extrasShown(answer: Locator, timeout = 20_000) {
    await expect(answer.getByTestId("answer-extras")).toBeAttached({ timeout });
  }

  citationCards(answer: Locator): Locator {
    return answer.getByTestId("citation-card");
  }

  markers(answer: Locator): Locator {
    return answer.getByTestId("citation-marker");
  }

  /** The thumbs-up and thumbs-down buttons under an answer. */
  feedbackButtons(answer: Locator): { up: Locator; down: Locator } {
    return { up: answer.getByTestId("feedback-up"), down: answer.getByTestId("feedback-down") };
  }

  /**
   * How tall the document and the thread are: on a chat page only the thread scrolls, so
   * the document and the body are exactly as tall as the window.
   */
  async scrollHeights() {
    return this.page.evaluate(() => {
      const scroller = document.querySelector<HTMLElement>("[data-testid=thread-scroller]");
      return {
        innerHeight: window.innerHeight,
        document: document.documentElement.scrollHeight,
        body: document.body.scrollHeight,
        scrollY: window.scrollY,
        thread: scroller ? { scroll: scroller.scrollHeight, client: scroller.clientHeight } : null,
      };
    });
  }

  /** The Vectara chat id in the address bar, once the first answer has given the chat a URL. */
  async chatIdFromUrl(): Promise<string> {
    await expect(this.page).toHaveURL(/\/chat\/cht_[\w-]+$/);
    const id = new URL(this.page.url()).pathname.split("/").at(-1);
    if (!id) throw new Error("no chat id in the URL");
    return id;
  }
}
