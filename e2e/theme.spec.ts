import { expect, test } from "./fixtures";
import { ThemeSwitch } from "./pages/theme-switch";
import { signedInContext } from "./support/staff";

/**
 * The colour theme: the system's by default, or light or dark as chosen, remembered by
 * the browser, and in the page the server sends, so the first paint has it (checked with
 * scripts off).
 */

test.describe("theme", () => {
  test.use({ colorScheme: "dark" });

  test("follows the system until the visitor chooses, then remembers the choice", async ({
    page,
    consoleErrors,
  }) => {
    const theme = new ThemeSwitch(page);
    await page.goto("/");
    await expect(theme.button("system")).toHaveAttribute("aria-pressed", "true");
    expect(await theme.htmlTheme()).toBeNull();
    expect(await theme.backgroundIsDark()).toBe(true);

    await theme.choose("light");
    await expect(theme.button("light")).toHaveAttribute("aria-pressed", "true");
    await expect(theme.button("system")).toHaveAttribute("aria-pressed", "false");
    expect(await theme.htmlTheme()).toBe("light");
    expect(await theme.colorScheme()).toBe("light");
    expect(await theme.backgroundIsDark()).toBe(false);

    // A reload: the server renders the choice into the page.
    await page.reload();
    await expect(theme.button("light")).toHaveAttribute("aria-pressed", "true");
    expect(await theme.htmlTheme()).toBe("light");
    expect(await theme.backgroundIsDark()).toBe(false);

    // Back to the system's: forgotten, dark again after a reload.
    await theme.choose("system");
    await page.reload();
    expect(await theme.htmlTheme()).toBeNull();
    await expect(theme.button("system")).toHaveAttribute("aria-pressed", "true");
    expect(await theme.backgroundIsDark()).toBe(true);
    expect(consoleErrors).toEqual([]);
  });

  test("the first paint already has the chosen theme: no script is needed for it", async ({
    browser,
    baseURL,
  }) => {
    const context = await browser.newContext({
      baseURL,
      colorScheme: "light",
      javaScriptEnabled: false,
    });
    await context.addCookies([{ name: "parley-theme", value: "dark", url: baseURL ?? "" }]);
    const page = await context.newPage();
    const theme = new ThemeSwitch(page);
    await page.goto("/");
    expect(await theme.htmlTheme()).toBe("dark");
    expect(await theme.colorScheme()).toBe("dark");
    expect(await theme.backgroundIsDark()).toBe(true);
    await expect(theme.button("dark")).toHaveAttribute("aria-pressed", "true");
    await context.close();
  });

  test("an unreadable stored value means the system's theme, not an error", async ({
    browser,
    baseURL,
  }) => {
    const context = await browser.newContext({ baseURL, colorScheme: "dark" });
    await context.addCookies([
      { name: "parley-theme", value: "purple%3Cscript%3E", url: baseURL ?? "" },
    ]);
    const page = await context.newPage();
    const theme = new ThemeSwitch(page);
    const response = await page.goto("/");
    expect(response?.status()).toBe(200);
    expect(await theme.htmlTheme()).toBeNull();
    await expect(theme.button("system")).toHaveAttribute("aria-pressed", "true");
    expect(await theme.backgroundIsDark()).toBe(true);
    await context.close();
  });

  test("staff choose in the console; the choice is the browser's, on every page", async ({
    browser,
    baseURL,
  }) => {
    const context = await signedInContext(browser, baseURL ?? "", "agent");
    const page = await context.newPage();
    const theme = new ThemeSwitch(page);
    await page.goto("/agent");
    await expect(theme.button("system")).toHaveAttribute("aria-pressed", "true");
    await theme.choose("dark");
    expect(await theme.backgroundIsDark()).toBe(true);

    await page.goto("/agent/audit");
    expect(await theme.htmlTheme()).toBe("dark");
    await expect(theme.button("dark")).toHaveAttribute("aria-pressed", "true");
    // The visitor's pages, in the same browser, too.
    await page.goto("/");
    expect(await theme.htmlTheme()).toBe("dark");
    await context.close();
  });
});
