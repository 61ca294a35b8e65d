import { readFileSync } from "node:fs";
import { expect, test } from "./fixtures";

const packageJsonUrl = new URL("../package.json", import.meta.url);
const { version } = JSON.parse(readFileSync(packageJsonUrl, "utf8")) as { version: string };

test.describe("app shell", () => {
  test("renders the header, sidebar and welcome without console errors, and no engine badge", async ({
    homePage,
    consoleErrors,
    page,
  }) => {
    const response = await homePage.goto();
    expect(response.status()).toBe(200);
    await expect(page).toHaveTitle("Parley");

    await expect(homePage.shell).toBeVisible();
    await expect(homePage.header).toContainText("Parley");
    // Which engine answers is staff information: visitors see the product's name only.
    await expect(homePage.modeBadge).toHaveCount(0);
    await expect(homePage.sidebar).toBeVisible();
    await expect(homePage.sidebar.getByRole("heading", { name: "Conversations" })).toBeVisible();
    await expect(homePage.heading).toHaveText("How can we help?");

    // Hydration problems are logged once the client bundle has run.
    await page.waitForLoadState("networkidle");
    expect(consoleErrors).toEqual([]);
  });

  test.describe("on a phone-sized screen", () => {
    test.use({ viewport: { width: 390, height: 844 } });

    test("hides the sidebar and keeps the welcome readable", async ({ homePage }) => {
      await homePage.goto();
      await expect(homePage.header).toBeVisible();
      await expect(homePage.sidebar).toBeHidden();
      await expect(homePage.heading).toBeInViewport();
    });
  });
});

test.describe("GET /api/health", () => {
  test("reports ok, local mode and the package version, uncached", async ({ request }) => {
    const response = await request.get("/api/health");
    expect(response.status()).toBe(200);
    expect(response.headers()["content-type"]).toContain("application/json");
    expect(response.headers()["cache-control"]).toBe("no-store");
    expect(await response.json()).toEqual({ status: "ok", mode: "local", version });
  });
});

test.describe("example questions", () => {
  test("come from the knowledge base's examples file", async ({ homePage }) => {
    const file = new URL("../content/demo-kb/examples.json", import.meta.url);
    const { examples } = JSON.parse(readFileSync(file, "utf8")) as {
      examples: Array<{ question: string }>;
    };
    await homePage.goto();
    await expect(homePage.exampleQuestions).toHaveText(examples.map((e) => e.question));
  });
});
