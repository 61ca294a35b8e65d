import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { z } from "zod";

// The demo knowledge base is content, but the product depends on its shape: the seeder
// reads its front matter into filter attributes and citations, and the home screen links
// its examples to articles. These checks keep every article honest.

const root = path.resolve(__dirname, "../content/demo-kb");
const CATEGORIES = [
  "authentication",
  "billing",
  "account",
  "integrations",
  "troubleshooting",
] as const;

const frontMatterSchema = z.strictObject({
  title: z.string().min(5),
  category: z.enum(CATEGORIES),
  product_area: z.string().regex(/^[a-z][a-z-]*$/),
  url: z.string().regex(/^https:\/\/help\.beacon\.example\/[a-z]+\/[a-z0-9-]+$/),
  updated: z.union([z.string(), z.date()]).transform((v) => new Date(v)),
});

const articles = CATEGORIES.flatMap((category) =>
  readdirSync(path.join(root, category))
    .filter((f) => f.endsWith(".md"))
    .map((file) => ({
      category,
      file,
      text: readFileSync(path.join(root, category, file), "utf8"),
    })),
);

describe("the demo knowledge base", () => {
  it("has at least 40 articles across the five categories", () => {
    expect(articles.length).toBeGreaterThanOrEqual(40);
    for (const category of CATEGORIES) {
      expect(
        articles.filter((a) => a.category === category).length,
        category,
      ).toBeGreaterThanOrEqual(7);
    }
  });

  for (const a of articles) {
    it(`${a.category}/${a.file} has valid front matter and 150–800 words`, () => {
      const match = a.text.match(/^---\n([\s\S]*?)\n---\n([\s\S]*)$/);
      expect(match, "front matter block").not.toBeNull();
      const meta = frontMatterSchema.parse(parse(match?.[1] ?? ""));
      expect(meta.category).toBe(a.category);
      expect(meta.url).toBe(
        `https://help.beacon.example/${a.category}/${a.file.replace(/\.md$/, "")}`,
      );
      expect(meta.updated.getUTCFullYear()).toBe(2026);
      const body = match?.[2] ?? "";
      const words = body.split(/\s+/).filter((w) => /\w/.test(w)).length;
      expect(words).toBeGreaterThanOrEqual(150);
      expect(words).toBeLessThanOrEqual(800);
      expect(body).toMatch(/^# /m);
      expect(body).toMatch(/^## /m);
    });
  }

  it("points every home-screen example at an existing article", () => {
    const { examples } = z
      .object({ examples: z.array(z.object({ question: z.string(), article: z.string() })) })
      .parse(JSON.parse(readFileSync(path.join(root, "examples.json"), "utf8")));
    expect(examples.length).toBeGreaterThanOrEqual(6);
    const ids = new Set(articles.map((a) => `${a.category}/${a.file.replace(/\.md$/, "")}`));
    for (const e of examples) expect(ids, e.question).toContain(e.article);
    expect(new Set(examples.map((e) => e.article.split("/")[0])).size).toBe(5);
  });
});
