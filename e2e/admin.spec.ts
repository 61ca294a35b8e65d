import { expect, test } from "./fixtures";
import { AdminPage } from "./pages/admin-page";
import { ChatPage } from "./pages/chat-page";
import { uniqueKey } from "./support/local-api";
import { signedInContext } from "./support/staff";

// A fact no demo article holds, in a category of its own so the list can be filtered to it.
const QUOKKA_FILE = {
  name: "quokka-support-hours.md",
  mimeType: "text/markdown",
  buffer: Buffer.from(`---
title: "Quokka support hours"
category: quokka
updated: 2026-11-20
---

# Quokka support hours

Beacon's quokka hotline answers on Tuesdays from 7 to 9.
`),
};
const QUOKKA_ID = "uploads/quokka-support-hours.md";

test.describe("admin", () => {
  test("an uploaded document is listed, cited in a visitor's answer, then deleted", async ({
    browser,
    baseURL,
  }) => {
    if (!baseURL) throw new Error("baseURL is not configured");
    const adminContext = await signedInContext(browser, baseURL, "admin");
    const visitorContext = await browser.newContext({ baseURL });
    try {
      const admin = new AdminPage(await adminContext.newPage());
      const response = await admin.goto();
      expect(response.status()).toBe(200);
      await expect(admin.overview).toBeVisible();

      await admin.upload(QUOKKA_FILE);
      expect(await admin.uploadedDocumentId(QUOKKA_FILE.name)).toBe(QUOKKA_ID);

      await admin.filter("doc.category = 'quokka'");
      await expect(admin.documentRows).toHaveCount(1);
      await expect(admin.documentRow(QUOKKA_ID)).toContainText("Quokka support hours");

      // A visitor, in a browser that has never signed in, gets the new fact with its source.
      const chat = new ChatPage(await visitorContext.newPage());
      await chat.goto("/");
      await chat.ask("When does the quokka hotline answer?");
      const answer = await chat.waitForAnswer(0);
      await expect(chat.citationCards(answer).first()).toHaveAttribute(
        "data-document-id",
        QUOKKA_ID,
      );

      await admin.deleteDocument(QUOKKA_ID);
      await expect(admin.documentRows).toHaveCount(0);
      await expect(admin.page.getByTestId("document-list-empty")).toBeVisible();
    } finally {
      await visitorContext.close();
      await adminContext.close();
    }
  });

  test("a new upload heads the first page with its size; the sort control reorders the list", async ({
    browser,
    baseURL,
  }) => {
    if (!baseURL) throw new Error("baseURL is not configured");
    // Named to sort last by title and by id ("zz…"), so only "Last updated" can put it first.
    const stem = `zz-${uniqueKey("sizes")}`;
    const file = {
      name: `${stem}.md`,
      mimeType: "text/markdown",
      buffer: Buffer.from(
        `---\ntitle: "Zz ${stem}"\n---\n\n${"Walrus tusks grow all year. ".repeat(60)}\n`,
      ),
    };
    const context = await signedInContext(browser, baseURL, "admin");
    try {
      const admin = new AdminPage(await context.newPage());
      await admin.goto();
      await expect(admin.documentRows.first()).toBeVisible();
      await expect(admin.sortSelect).toHaveValue("newest");

      await admin.upload(file);
      const id = await admin.uploadedDocumentId(file.name);
      /**
       * On the first page, without "Load more", listed there by the server (not merely
       * shown as just uploaded), newest first: only documents indexed after it (another
       * test's upload, running alongside) may come before it.
       */
      const expectListedNewestFirst = async () => {
        await expect(admin.documentRow(id)).toBeVisible();
        await expect(admin.documentRow(id)).not.toHaveAttribute("data-just-uploaded");
        const rows = await admin.listedDocuments();
        const times = rows.map((d) => d.indexedAt ?? "");
        expect(times.every(Boolean)).toBe(true);
        expect(times).toEqual([...times].sort().reverse());
        const mine = rows.find((d) => d.id === id)?.indexedAt ?? "";
        const ahead = rows.slice(
          0,
          rows.findIndex((d) => d.id === id),
        );
        expect(ahead.every((d) => (d.indexedAt ?? "") >= mine)).toBe(true);
      };
      await expectListedNewestFirst();
      await expect(admin.documentSize(id)).toHaveText(/^\d+(\.\d)? (B|KB|MB)$/);
      await expect(admin.documentSize(id)).toHaveText(/KB$/);
      // The demo articles have sizes too: none shows "—".
      await expect(admin.page.getByTestId("document-size").filter({ hasText: "—" })).toHaveCount(0);

      // By title or id, "zz…" is pages away: the list shows it first as just uploaded,
      // then the first page in that order.
      for (const [label, key] of [
        ["Title A–Z", (d: { title: string }) => d.title.toLowerCase()],
        ["Document id A–Z", (d: { id: string }) => d.id],
      ] as const) {
        await admin.sortBy(label);
        await expect
          .poll(async () => {
            const [first, ...rest] = await admin.listedDocuments();
            const keys = rest.map(key);
            return {
              first: first && { id: first.id, justUploaded: first.justUploaded },
              restHoldsIt: rest.some((d) => d.justUploaded || d.id === id),
              many: keys.length > 1,
              sorted: keys.join("\n") === [...keys].sort().join("\n"),
            };
          }, `sorted by ${label}`)
          .toEqual({
            first: { id, justUploaded: true },
            restHoldsIt: false,
            many: true,
            sorted: true,
          });
      }

      await admin.sortBy("Last updated");
      await expectListedNewestFirst();
      await admin.deleteDocument(id);
      await expect(admin.documentRow(id)).toHaveCount(0);
    } finally {
      await context.close();
    }
  });

  test("an invalid metadata filter shows the engine's message in place", async ({
    browser,
    baseURL,
  }) => {
    if (!baseURL) throw new Error("baseURL is not configured");
    const context = await signedInContext(browser, baseURL, "admin");
    try {
      const admin = new AdminPage(await context.newPage());
      await admin.goto();
      await expect(admin.documentRows.first()).toBeVisible();

      await admin.filter("doc.category = = 'billing'");

      await expect(admin.listError).toBeVisible();
      await expect(admin.listError).toContainText(/filter/i);
      await expect(admin.filterInput).toBeEditable();

      await admin.filter("doc.category = 'billing'");
      await expect(admin.listError).toBeHidden();
      await expect(admin.documentRows.first()).toBeVisible();
    } finally {
      await context.close();
    }
  });

  test("an agent gets 403 on /admin and on the upload route", async ({ browser, baseURL }) => {
    if (!baseURL) throw new Error("baseURL is not configured");
    const context = await signedInContext(browser, baseURL, "agent");
    try {
      const page = await context.newPage();
      const response = await page.goto("/admin");
      expect(response?.status()).toBe(403);

      const upload = await context.request.post("/api/admin/upload", {
        headers: { origin: baseURL },
        multipart: { file: QUOKKA_FILE },
      });
      expect(upload.status()).toBe(403);
      expect(await upload.json()).toMatchObject({ code: "forbidden:staff" });
    } finally {
      await context.close();
    }
  });

  test("a signed-out request to the upload route is a 401", async ({ playwright, baseURL }) => {
    const request = await playwright.request.newContext({ baseURL });
    try {
      const upload = await request.post("/api/admin/upload", {
        headers: { origin: baseURL ?? "" },
        multipart: { file: QUOKKA_FILE },
      });
      expect(upload.status()).toBe(401);
      expect(await upload.json()).toMatchObject({ code: "unauthorized:staff" });
    } finally {
      await request.dispose();
    }
  });
});

test.describe("admin users", () => {
  test("an admin adds a user, changes their role and disables them, but cannot lock themselves out", async ({
    browser,
    baseURL,
  }) => {
    if (!baseURL) throw new Error("baseURL is not configured");
    const context = await signedInContext(browser, baseURL, "admin");
    try {
      const page = await context.newPage();
      const response = await page.goto("/admin/users");
      expect(response?.status()).toBe(200);

      const self = page.locator('[data-testid="user-row"][data-email="admin@demo.local"]');
      await expect(self).toContainText("(you)");
      await expect(self.getByTestId("user-role")).toBeDisabled();
      // Disabling yourself is refused by the server, so it is not offered at all.
      await expect(self.getByTestId("toggle-user")).toHaveCount(0);

      const email = `new-agent-${test.info().workerIndex}-${Date.now()}@example.com`;
      await page.getByTestId("new-user-email").fill(email);
      await page.getByTestId("new-user-role").selectOption("agent");
      // Too short: the server says why, next to the field.
      await page.getByTestId("new-user-password").fill("short");
      await page.getByTestId("new-user-password").evaluate((el) => el.removeAttribute("minlength"));
      await page.getByTestId("add-user").click();
      await expect(page.getByText("must be at least 12 characters")).toBeVisible();

      await page.getByTestId("new-user-password").fill("a long enough password");
      await page.getByTestId("add-user").click();
      await expect(page.getByTestId("add-user-result")).toContainText(email);

      const row = page.locator(`[data-testid="user-row"][data-email="${email}"]`);
      await expect(row).toHaveAttribute("data-role", "agent");
      await expect(row.getByTestId("user-status")).toHaveText("Active");

      await row.getByTestId("user-role").selectOption("moderator");
      await expect(row).toHaveAttribute("data-role", "moderator");

      await row.getByTestId("toggle-user").click();
      await expect(row.getByTestId("user-status")).toHaveText("Disabled");
      await row.getByTestId("toggle-user").click();
      await expect(row.getByTestId("user-status")).toHaveText("Active");
    } finally {
      await context.close();
    }
  });
});
