import { describe, expect, it, vi } from "vitest";
import { toArticlePage } from "@/lib/chat/article-blocks";
import { getArticleByDocumentId } from "@/lib/chat/articles";
import { makeEngine } from "../support/engine";

vi.mock("server-only", () => ({}));

async function setup() {
  const { client } = makeEngine();
  await client.corpora.create({ key: "kb" });
  const create = (id: string, url?: string) =>
    client.documents.create("kb", {
      type: "structured",
      id,
      title: "Refunds",
      metadata: { category: "billing", updated: "2026-05-04", ...(url && { url }) },
      sections: [
        { title: "Refunds", text: "Yearly plans have a 30-day refund window." },
        {
          title: "How to ask",
          text: "1. Open Billing.\n\n2. Click Request refund.\n\nPlan: Team; Window: 30 days\n\nPlan: Business; Window: 30 days",
        },
      ],
    });
  await create("billing/refunds.md", "https://help.acme.com/refunds");
  await create("billing/demo.md", "https://help.beacon.example/billing/demo");
  const read = (documentId: string, articleLinks: "auto" | "reader" | "source" = "auto") =>
    getArticleByDocumentId({ documentId, client, corpusKey: "kb", articleLinks });
  return { read };
}

describe("an article from the corpus", () => {
  it("reads the document through the Vectara client, its parts in order", async () => {
    const { read } = await setup();
    const article = await read("billing/refunds.md");
    expect(article).toMatchObject({
      id: "billing/refunds.md",
      title: "Refunds",
      category: "billing",
      updated: "2026-05-04",
      url: "https://help.acme.com/refunds",
    });
    const view = toArticlePage(article?.parts ?? [], { title: article?.title });
    expect(view.blocks.map((b) => b.kind)).toEqual(["paragraph", "heading", "steps", "table"]);
  });

  it("keeps 'View original' only for a URL that can be reached, unless ARTICLE_LINKS=source", async () => {
    const { read } = await setup();
    expect((await read("billing/demo.md"))?.url).toBeUndefined();
    expect((await read("billing/demo.md", "reader"))?.url).toBeUndefined();
    expect((await read("billing/demo.md", "source"))?.url).toBe(
      "https://help.beacon.example/billing/demo",
    );
    expect((await read("billing/refunds.md", "reader"))?.url).toBe("https://help.acme.com/refunds");
  });

  it("is null for a document that does not exist or an id that cannot be one", async () => {
    const { read } = await setup();
    expect(await read("billing/nope.md")).toBeNull();
    expect(await read("x".repeat(600))).toBeNull();
  });

  it("a missing corpus is a missing article; any other failure reaches the error page, not a false 404", async () => {
    const { client } = makeEngine();
    await expect(
      getArticleByDocumentId({ documentId: "a.md", client, corpusKey: "no_such_corpus" }),
    ).resolves.toBeNull();
    const broken = {
      documents: {
        get: async () => {
          throw Object.assign(new Error("Vectara failed"), { status: 503 });
        },
      },
    } as unknown as typeof client;
    await expect(
      getArticleByDocumentId({ documentId: "a.md", client: broken, corpusKey: "kb" }),
    ).rejects.toThrow("Vectara failed");
  });
});
