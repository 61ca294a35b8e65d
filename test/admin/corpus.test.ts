import { describe, expect, it, vi } from "vitest";
import { AppError } from "@/lib/http/errors";
import { SUPPORT_KB_FILTER_ATTRIBUTES } from "@/lib/ingest";
import { makeEngine } from "../support/engine";

vi.mock("server-only", () => ({}));
const {
  deleteCorpusDocument,
  documentIdForUpload,
  getCorpusOverview,
  listCorpusDocuments,
  resetCorpus,
  uploadCorpusFile,
  UPLOAD_MAX_BYTES,
} = await import("@/lib/admin/corpus");

const corpusKey = "admin_kb";

/** A fresh engine with the support KB's corpus (and its filter attributes). */
async function setup() {
  const { client } = makeEngine();
  await client.corpora.create({
    key: corpusKey,
    name: "Support knowledge base",
    description: "For the admin tests",
    filter_attributes: SUPPORT_KB_FILTER_ATTRIBUTES,
  });
  return { client, corpusKey };
}

const markdown = (name: string, body: string) => new File([body], name, { type: "text/markdown" });

const QUOKKA = `---
title: "Quokka support hours"
category: contact
updated: 2026-11-01
---

Beacon's quokka hotline answers on Tuesdays from 7 to 9.
`;

async function caught(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    return error as AppError;
  }
  throw new Error("expected an AppError");
}

async function addArticle(
  args: Awaited<ReturnType<typeof setup>>,
  id: string,
  category: string,
  text = `An article about ${category}.`,
) {
  await args.client.documents.create(args.corpusKey, {
    type: "core",
    id,
    metadata: { title: `Title of ${id}`, category },
    document_parts: [{ text }],
  });
}

describe("corpus overview", () => {
  it("names the corpus and counts its documents and parts", async () => {
    const args = await setup();
    await addArticle(args, "a", "billing");
    await addArticle(args, "b", "account");

    const overview = await getCorpusOverview(args);

    expect(overview).toMatchObject({
      key: corpusKey,
      name: "Support knowledge base",
      description: "For the admin tests",
      enabled: true,
    });
    expect(overview.size.usedDocs).toBe(2);
    expect(overview.size.usedParts).toBeGreaterThanOrEqual(2);
    expect(overview.size.usedCharacters).toBeGreaterThan(0);
    expect(overview.filterAttributes.map((a) => a.name)).toEqual(
      expect.arrayContaining(["category", "title"]),
    );
  });

  it("says not_found:staff for a corpus that does not exist", async () => {
    const { client } = await setup();
    const error = await caught(getCorpusOverview({ client, corpusKey: "missing_corpus" }));
    expect(error.code).toBe("not_found:staff");
  });
});

describe("document list", () => {
  it("narrows by a metadata filter and pages with page_key", async () => {
    const args = await setup();
    for (const id of ["b1", "b2", "b3"]) await addArticle(args, id, "billing");
    await addArticle(args, "a1", "account");

    const billing = await listCorpusDocuments({ ...args, filter: "doc.category = 'billing'" });
    expect(billing.documents.map((d) => d.id).sort()).toEqual(["b1", "b2", "b3"]);
    expect(billing.documents[0]).toMatchObject({ category: "billing", title: expect.any(String) });

    const first = await listCorpusDocuments({ ...args, limit: 2 });
    expect(first.documents).toHaveLength(2);
    expect(first.nextPageKey).toEqual(expect.any(String));
    const second = await listCorpusDocuments({
      ...args,
      limit: 2,
      pageKey: first.nextPageKey ?? undefined,
    });
    expect(second.documents).toHaveLength(2);
    expect(second.nextPageKey).toBeNull();
    const all = [...first.documents, ...second.documents].map((d) => d.id).sort();
    expect(all).toEqual(["a1", "b1", "b2", "b3"]);
  });

  it("turns a filter the engine rejects into bad_request:staff with the engine's message", async () => {
    const args = await setup();
    const syntax = await caught(listCorpusDocuments({ ...args, filter: "doc.category = = 'x'" }));
    expect(syntax.code).toBe("bad_request:staff");
    expect(syntax.status).toBe(400);
    expect(syntax.message).toMatch(/filter/i);

    const unknown = await caught(listCorpusDocuments({ ...args, filter: "doc.nope = 'x'" }));
    expect(unknown.code).toBe("bad_request:staff");
    expect(unknown.message).toMatch(/nope/);
  });
});

describe("upload", () => {
  it("indexes a Markdown file under uploads/, with its front matter as metadata", async () => {
    const args = await setup();

    const result = await uploadCorpusFile({
      ...args,
      file: markdown("Quokka Support Hours.md", QUOKKA),
    });

    expect(result).toMatchObject({
      documentId: "uploads/quokka-support-hours.md",
      title: "Quokka support hours",
      replaced: false,
    });
    const { documents } = await listCorpusDocuments({
      ...args,
      filter: "doc.category = 'contact'",
    });
    expect(documents).toEqual([
      expect.objectContaining({
        id: "uploads/quokka-support-hours.md",
        title: "Quokka support hours",
        category: "contact",
        updated: "2026-11-01",
      }),
    ]);
    const doc = await args.client.documents.get(corpusKey, result.documentId);
    expect(doc.parts.map((p) => p.text).join(" ")).toContain("Tuesdays from 7 to 9");
  });

  it("replaces the earlier upload of a file with the same name", async () => {
    const args = await setup();
    await uploadCorpusFile({ ...args, file: markdown("hours.md", QUOKKA) });

    const again = await uploadCorpusFile({
      ...args,
      file: markdown("hours.md", "# Hours\n\nThe hotline now answers on Fridays."),
    });

    expect(again).toMatchObject({ documentId: "uploads/hours.md", replaced: true });
    const { documents } = await listCorpusDocuments(args);
    expect(documents.map((d) => d.id)).toEqual(["uploads/hours.md"]);
    const doc = await args.client.documents.get(corpusKey, "uploads/hours.md");
    const text = doc.parts.map((p) => p.text).join(" ");
    expect(text).toContain("Fridays");
    expect(text).not.toContain("Tuesdays");
  });

  it("refuses unsupported, empty and oversized files before sending them", async () => {
    const args = await setup();
    const exe = await caught(uploadCorpusFile({ ...args, file: new File(["MZ"], "setup.exe") }));
    expect(exe.code).toBe("bad_request:staff");
    expect(exe.message).toMatch(/not a supported file type/);

    const empty = await caught(uploadCorpusFile({ ...args, file: new File([], "empty.md") }));
    expect(empty.message).toMatch(/empty/);

    const big = await caught(
      uploadCorpusFile({
        ...args,
        file: new File([new Uint8Array(UPLOAD_MAX_BYTES + 1)], "big.txt"),
      }),
    );
    expect(big.message).toMatch(/larger than 10 MB/);
    expect((await listCorpusDocuments(args)).documents).toEqual([]);
  });

  it("shows the engine's reason when it cannot read a file", async () => {
    const args = await setup();
    const error = await caught(
      uploadCorpusFile({
        ...args,
        file: new File([new Uint8Array([0x25, 0x50, 0x44, 0x46, 0, 1, 2, 3])], "broken.pdf"),
      }),
    );
    expect(error.code).toBe("bad_request:staff");
    expect(error.message.length).toBeGreaterThan(0);
  });
});

describe("delete and reset", () => {
  it("deletes one document, and says not_found:staff the second time", async () => {
    const args = await setup();
    await uploadCorpusFile({ ...args, file: markdown("faq.md", QUOKKA) });
    await addArticle(args, "keep", "billing");

    await deleteCorpusDocument({ ...args, documentId: "uploads/faq.md" });

    expect((await listCorpusDocuments(args)).documents.map((d) => d.id)).toEqual(["keep"]);
    const again = await caught(deleteCorpusDocument({ ...args, documentId: "uploads/faq.md" }));
    expect(again.code).toBe("not_found:staff");
  });

  it("resets only when the confirmation repeats the corpus key", async () => {
    const args = await setup();
    await addArticle(args, "a", "billing");
    await addArticle(args, "b", "account");

    const wrong = await caught(resetCorpus({ ...args, confirmation: "support_kb" }));
    expect(wrong.code).toBe("bad_request:staff");
    expect((await getCorpusOverview(args)).size.usedDocs).toBe(2);

    await resetCorpus({ ...args, confirmation: ` ${corpusKey} ` });

    expect((await getCorpusOverview(args)).size.usedDocs).toBe(0);
    expect((await listCorpusDocuments(args)).documents).toEqual([]);
  });
});

describe("documentIdForUpload", () => {
  it.each([
    ["Quokka Support Hours.md", "uploads/quokka-support-hours.md"],
    ["Ünïcödé  Guide.PDF", "uploads/unicode-guide.pdf"],
    ["../../etc/passwd.txt", "uploads/passwd.txt"],
    ["C:\\docs\\Refunds & Returns.docx", "uploads/refunds-returns.docx"],
    ["!!!.html", "uploads/file.html"],
  ])("%s → %s", (name, id) => {
    expect(documentIdForUpload(name)).toBe(id);
  });
});
