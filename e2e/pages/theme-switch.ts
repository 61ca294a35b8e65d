import type { Locator, Page } from "@playwright/test";

export type ThemeChoice = "system" | "light" | "dark";

/** The colour-theme switch in the visitor's header and the staff console's. */
export class ThemeSwitch {
  readonly root: Locator;

  constructor(readonly page: Page) {
    this.root = page.getByTestId("theme-switch");
  }

  button(choice: ThemeChoice): Locator {
    return this.root.getByTestId(`theme-${choice}`);
  }

  async choose(choice: ThemeChoice): Promise<void> {
    await this.button(choice).click();
  }

  /** `<html data-theme>`: null when the page follows the system. */
  htmlTheme(): Promise<string | null> {
    return this.page.locator("html").getAttribute("data-theme");
  }

  /** The page's used colour scheme, as the stylesheet resolved it on `<html>`. */
  colorScheme(): Promise<string> {
    return this.page.evaluate(() => getComputedStyle(document.documentElement).colorScheme);
  }

  /** Whether the page's background is dark: its colour, painted on a canvas, is below half luminance. */
  backgroundIsDark(): Promise<boolean> {
    return this.page.evaluate(() => {
      // Painting converts any CSS colour syntax (oklch, lab, rgb) to sRGB bytes.
      const canvas = document.createElement("canvas");
      canvas.width = 1;
      canvas.height = 1;
      const context = canvas.getContext("2d");
      if (!context) throw new Error("no 2D canvas");
      context.fillStyle = getComputedStyle(document.body).backgroundColor;
      context.fillRect(0, 0, 1, 1);
      const [r = 0, g = 0, b = 0] = context.getImageData(0, 0, 1, 1).data;
      return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255 < 0.5;
    });
  }
}
