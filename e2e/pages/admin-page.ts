import { expect, type Locator, type Page, type Response } from "@playwright/test";

type FilePayload = { name: string; mimeType: string; buffer: Buffer };

/** The admin's corpus page at `/admin`: overview, uploader, document list, reset. */
export class AdminPage {
  readonly overview: Locator;
  readonly documentCount: Locator;
  readonly uploadInput: Locator;
  readonly uploadRows: Locator;
  readonly documentRows: Locator;
  readonly filterInput: Locator;
  readonly filterButton: Locator;
  readonly listError: Locator;
  readonly loadMore: Locator;
  readonly deleteDialog: Locator;
  readonly sortSelect: Locator;

  constructor(readonly page: Page) {
    this.overview = page.getByTestId("corpus-overview");
    this.documentCount = page.getByTestId("corpus-docs");
    this.uploadInput = page.getByTestId("upload-input");
    this.uploadRows = page.getByTestId("upload-row");
    this.documentRows = page.getByTestId("document-row");
    this.filterInput = page.getByTestId("document-filter");
    this.filterButton = page.getByTestId("apply-filter");
    this.listError = page.getByTestId("document-list-error");
    this.loadMore = page.getByTestId("load-more");
    this.deleteDialog = page.getByTestId("delete-document-dialog");
    this.sortSelect = page.getByTestId("document-sort");
  }

  /** Orders the document list: "Last updated", "Title A–Z" or "Document id A–Z". */
  async sortBy(label: string) {
    await this.sortSelect.selectOption({ label });
  }

  /** The size the list shows for a document, e.g. "1.2 KB". */
  documentSize(documentId: string): Locator {
    return this.documentRow(documentId).getByTestId("document-size");
  }

  /**
   * The listed rows in order: id, title, indexing time, and whether the row is a file
   * just uploaded that the list shows first until its own order reaches it.
   */
  async listedDocuments(): Promise<
    { id: string; title: string; indexedAt: string | null; justUploaded: boolean }[]
  > {
    return this.documentRows.evaluateAll((rows) =>
      rows.map((row) => ({
        id: row.getAttribute("data-document-id") ?? "",
        title: row.querySelector("td div")?.textContent ?? "",
        indexedAt: row.getAttribute("data-indexed-at"),
        justUploaded: row.hasAttribute("data-just-uploaded"),
      })),
    );
  }

  async goto(): Promise<Response> {
    const response = await this.page.goto("/admin");
    if (!response) throw new Error("Navigating to /admin produced no response");
    return response;
  }

  /** Chooses files in the uploader, as the file picker would. */
  async upload(...files: FilePayload[]) {
    await this.uploadInput.setInputFiles(files);
  }

  uploadRow(fileName: string): Locator {
    return this.page.locator(`[data-testid="upload-row"][data-file-name="${fileName}"]`);
  }

  /** Waits for a file's upload to finish and returns the document id it was indexed as. */
  async uploadedDocumentId(fileName: string): Promise<string> {
    const result = this.uploadRow(fileName).getByTestId("upload-result");
    await expect(result).toBeVisible({ timeout: 20_000 });
    const id = await result.getAttribute("data-document-id");
    if (!id) throw new Error(`no document id for ${fileName}`);
    return id;
  }

  documentRow(documentId: string): Locator {
    return this.page.locator(`[data-testid="document-row"][data-document-id="${documentId}"]`);
  }

  async filter(expression: string) {
    await this.filterInput.fill(expression);
    await this.filterButton.click();
  }

  /** Deletes a document through its row's button and the confirmation dialog. */
  async deleteDocument(documentId: string) {
    await this.documentRow(documentId).getByTestId("delete-document").click();
    await expect(this.deleteDialog).toBeVisible();
    await expect(this.deleteDialog).toContainText(documentId);
    await this.deleteDialog.getByTestId("confirm-delete-document").click();
    await expect(this.deleteDialog).toBeHidden();
  }
}
