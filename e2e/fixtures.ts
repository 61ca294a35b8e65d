import { test as base, expect } from "@playwright/test";
import { ChatPage } from "./pages/chat-page";
import { HomePage } from "./pages/home-page";

type Fixtures = {
  homePage: HomePage;
  chatPage: ChatPage;
  /** Console errors and uncaught exceptions from the page, collected from before the first navigation. */
  consoleErrors: string[];
};

export const test = base.extend<Fixtures>({
  consoleErrors: async ({ page }, use) => {
    const errors: string[] = [];
    page.on("console", (message) => {
      if (message.type() !== "error") return;
      const { url } = message.location();
      errors.push(`console.error: ${message.text()}${url ? ` (${url})` : ""}`);
    });
    page.on("pageerror", (error) => errors.push(`uncaught: ${error.message}`));
    await use(errors);
  },
  homePage: async ({ page }, use) => {
    await use(new HomePage(page));
  },
  chatPage: async ({ page }, use) => {
    await use(new ChatPage(page));
  },
});

export { expect };
