import { rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it, vi } from "vitest";
import { loadConfig } from "@/lib/config";
import { makeEngine } from "./support/engine";
import { tempDir, writeTree } from "./support/files";

vi.mock("server-only", () => ({}));
const { seedDemoKnowledgeBase } = await import("@/lib/server/seed");

const article = (title: string, category: string, body: string) =>
  `---\ntitle: ${title}\ncategory: ${category}\nproduct_area: general\nurl: https://help.example/${category}\nupdated: 2026-10-01\n---\n\n# ${title}\n\n${body}\n`;

describe("seeding the demo knowledge base", () => {
  async function setup({ batch = false } = {}) {
    const { client, engine } = makeEngine();
    const dir = tempDir("parley-kb-");
    writeTree(dir, {
      "billing/refunds.md": article(
        "Refunds",
        "billing",
        "Yearly plans are refunded within 30 days.",
      ),
      "account/invite.md": article("Inviting teammates", "account", "Invite people from Members."),
      "examples.json": JSON.stringify({ examples: [] }),
    });
    const logs: string[] = [];
    const config = loadConfig({ VECTARA_CORPUS_KEY: "kb_seed" });
    // With `batch`, articles go through the engine's batch path, as first-start seeding does.
    const seed = () =>
      seedDemoKnowledgeBase({
        client,
        config,
        dir,
        log: (m) => logs.push(m),
        indexer: batch ? engine : undefined,
      });
    const ids = async () => {
      const out: string[] = [];
      for await (const d of await client.documents.list("kb_seed")) out.push(d.id);
      return out.sort();
    };
    return { client, dir, seed, logs, ids };
  }

  it("creates the corpus with the KB's filter attributes and indexes only Markdown", async () => {
    const { client, seed, logs, ids } = await setup();
    await seed();
    expect(await ids()).toEqual(["account/invite.md", "billing/refunds.md"]);
    const corpus = await client.corpora.get("kb_seed");
    expect(corpus.filterAttributes.map((a) => a.name).sort()).toEqual(
      ["category", "product_area", "title", "updated", "url"].sort(),
    );
    expect(logs).toEqual([
      expect.stringMatching(/2 added, 0 updated, 0 unchanged, 0 removed, 0 failed/),
    ]);
    // The category filter works on seeded documents.
    const answer = await client.query.corpus("kb_seed", {
      query: "refund invite",
      search: { metadata_filter: "doc.category = 'account'" },
    });
    expect(new Set(answer.searchResults.map((r) => r.documentId))).toEqual(
      new Set(["account/invite.md"]),
    );
  });

  it.each([
    ["one request per article", false],
    ["the engine's batch path", true],
  ])(
    "on restart duplicates nothing, re-indexes a changed article and removes a deleted one (%s)",
    async (_, batch) => {
      const { dir, seed, logs, ids } = await setup({ batch });
      await seed();
      await seed();
      expect(logs[1]).toMatch(/0 added, 0 updated, 2 unchanged, 0 removed/);
      writeFileSync(
        path.join(dir, "billing/refunds.md"),
        article("Refunds", "billing", "Refunds now take 10 days."),
      );
      rmSync(path.join(dir, "account/invite.md"));
      await seed();
      expect(logs[2]).toMatch(/0 added, 1 updated, 0 unchanged, 1 removed/);
      expect(await ids()).toEqual(["billing/refunds.md"]);
    },
  );
});
