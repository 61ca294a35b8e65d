import { describe, expect, it } from "vitest";
import {
  type ArticleBlock,
  type ArticlePartInput,
  findCitedPart,
  PAGE_CHARS,
  splitRuns,
  tableRow,
  toArticlePage,
} from "@/lib/chat/article-blocks";

/** Parts as the engine returns a structured document's (offsets as it assigns them). */
function partsOf(pieces: Array<string | { title: string }>): ArticlePartInput[] {
  let offset = 0;
  return pieces.map((piece) => {
    const title = typeof piece !== "string";
    const text = title ? piece.title : piece;
    const part = {
      text,
      metadata: { offset, len: text.length, lang: "eng", ...(title ? { is_title: true } : {}) },
    };
    offset += text.length + 1;
    return part;
  });
}

const plans = partsOf([
  { title: "Comparing plans" },
  "Beacon has four plans. Billing is per workspace.",
  { title: "Plans at a glance" },
  "Plan: Free; Price: $0; Support: Community forum\n\nPlan: Team; Price: $29 per month, or $290 per year; Support: Email, 1 business day",
  { title: "How to choose" },
  "1. Count the monitors you need.\n\n2. Decide how quickly you need to know.\n\nIf you're unsure, start on Team.",
  { title: "Configure" },
  "Run this:\n\ncurl -X POST https://api\n  --data x",
]);

const marked = (blocks: ArticleBlock[]): string[] =>
  blocks.flatMap((b) => {
    switch (b.kind) {
      case "bullets":
        return b.items
          .flat()
          .filter((r) => r.cited)
          .map((r) => r.text);
      case "steps":
        return b.items
          .flatMap((i) => [...i.number, ...i.runs])
          .filter((r) => r.cited)
          .map((r) => r.text);
      case "table":
        return b.rows.filter((r) => r.cited).map((r) => r.cells.join(" | "));
      default:
        return b.runs.filter((r) => r.cited).map((r) => r.text);
    }
  });

describe("a document's parts as the reader's blocks", () => {
  it("renders headings, paragraphs, tables, numbered steps and code, without the repeated title", () => {
    const view = toArticlePage(plans, { title: "Comparing plans" });
    expect(view.blocks.map((b) => b.kind)).toEqual([
      "paragraph",
      "heading",
      "table",
      "heading",
      "steps",
      "paragraph",
      "heading",
      "paragraph",
      "code",
    ]);
    expect(view.blocks[2]).toEqual({
      kind: "table",
      headers: ["Plan", "Price", "Support"],
      rows: [
        { cells: ["Free", "$0", "Community forum"], cited: false },
        {
          cells: ["Team", "$29 per month, or $290 per year", "Email, 1 business day"],
          cited: false,
        },
      ],
    });
    const steps = view.blocks[4];
    expect(
      steps?.kind === "steps" && steps.items.map((i) => [i.number[0]?.text, i.runs[0]?.text]),
    ).toEqual([
      ["1.", "Count the monitors you need."],
      ["2.", "Decide how quickly you need to know."],
    ]);
    expect(view.blocks[8]).toEqual({
      kind: "code",
      runs: [{ text: "curl -X POST https://api\n  --data x", cited: false }],
    });
    expect(view).toMatchObject({ page: 1, pages: 1, found: false });
  });

  it("marks exactly the cited part, found by its offset", () => {
    const cited = plans[5] as ArticlePartInput;
    const view = toArticlePage(plans, {
      title: "Comparing plans",
      passage: { offset: cited.metadata.offset as number },
    });
    expect(view.found).toBe(true);
    // Every character of the part is marked, and nothing else.
    expect(marked(view.blocks).join(" ")).toBe(cited.text.replace(/\s+/g, " "));
  });

  it("finds a part by the words it starts with when there is no offset", () => {
    expect(findCitedPart(plans, { quote: "Beacon has  four\nplans." })).toBe(1);
    expect(findCitedPart(plans, { quote: "Billing is per workspace" })).toBe(1);
    expect(findCitedPart(plans, { quote: "not in the article" })).toBe(-1);
    expect(findCitedPart(plans, { offset: 999_999 })).toBe(-1);
    const view = toArticlePage(plans, { passage: { quote: "nowhere at all" } });
    expect(view.found).toBe(false);
    expect(marked(view.blocks)).toEqual([]);
  });

  it("marks the rows of a cited table part", () => {
    const view = toArticlePage(plans, { passage: { offset: plans[3]?.metadata.offset as number } });
    const table = view.blocks.find((b) => b.kind === "table");
    expect(table?.kind === "table" && table.rows.map((r) => r.cited)).toEqual([true, true]);
  });

  it("joins the parts of one long paragraph back together and marks only the cited one", () => {
    const first = "A long paragraph begins here and goes on.";
    const second = "It continues in the next part without a break.";
    const parts: ArticlePartInput[] = [
      { text: first, metadata: { offset: 0, len: first.length } },
      { text: second, metadata: { offset: first.length + 1, len: second.length } },
    ];
    const view = toArticlePage(parts, { passage: { offset: first.length + 1 } });
    expect(view.blocks).toEqual([
      {
        kind: "paragraph",
        runs: [
          { text: `${first} `, cited: false },
          { text: second, cited: true },
        ],
      },
    ]);
  });

  it("keeps stored order when parts carry no offsets, and shows markup as text", () => {
    const parts: ArticlePartInput[] = [
      { text: "<script>alert(1)</script> second", metadata: {} },
      { text: "   ", metadata: {} },
      { text: "third", metadata: { offset: "not a number" } },
    ];
    const view = toArticlePage(parts);
    expect(view.blocks).toEqual([
      { kind: "paragraph", runs: [{ text: "<script>alert(1)</script> second", cited: false }] },
      { kind: "paragraph", runs: [{ text: "third", cited: false }] },
    ]);
  });

  it("pages a huge document and opens the page holding the cited passage", () => {
    const paragraph = "word ".repeat(1_000).trim();
    const pieces: Array<string | { title: string }> = [];
    for (let i = 0; i < 40; i++) pieces.push({ title: `Section ${i}` }, `${paragraph} ${i}`);
    const parts = partsOf(pieces);
    const total = parts.reduce((n, p) => n + p.text.length, 0);
    const cited = parts[71] as ArticlePartInput; // Section 35's text
    const view = toArticlePage(parts, { passage: { offset: cited.metadata.offset as number } });
    expect(view.pages).toBeGreaterThanOrEqual(Math.ceil(total / PAGE_CHARS));
    expect(view.page).toBeGreaterThan(1);
    expect(marked(view.blocks)).toEqual([cited.text]);
    const shown = (v: typeof view) =>
      v.blocks.reduce(
        (n, b) => n + (b.kind === "paragraph" ? (b.runs[0]?.text.length ?? 0) : 0),
        0,
      );
    expect(shown(view)).toBeLessThanOrEqual(PAGE_CHARS);
    // Every page starts at a heading: none is left alone at the end of the previous one.
    for (let page = 1; page <= view.pages; page++) {
      const p = toArticlePage(parts, { page });
      expect(p.page).toBe(page);
      expect(p.blocks[0]?.kind).toBe("heading");
      expect(p.blocks.at(-1)?.kind).not.toBe("heading");
    }
    // A page out of range falls back to the cited one.
    expect(toArticlePage(parts, { page: 9_999, passage: { offset: 0 } }).page).toBe(1);
  });
});

describe("bulleted items", () => {
  it("groups blocks that start with a bullet character into one list", () => {
    const view = toArticlePage(
      partsOf(["Check these:\n\n• Spam folder\n\n- Filters\n\nThen retry."]),
    );
    expect(view.blocks).toEqual([
      { kind: "paragraph", runs: [{ text: "Check these:", cited: false }] },
      {
        kind: "bullets",
        items: [[{ text: "Spam folder", cited: false }], [{ text: "Filters", cited: false }]],
      },
      { kind: "paragraph", runs: [{ text: "Then retry.", cited: false }] },
    ]);
  });
});

describe("table rows as the extractor writes them", () => {
  it("reads 'Header: cell; Header: cell', a cell may hold ': ' or '; '", () => {
    expect(tableRow('Problem: "Link expired"; What to do: Wait: then retry; or ask')).toEqual([
      ["Problem", '"Link expired"'],
      ["What to do", "Wait: then retry; or ask"],
    ]);
  });

  it("is not fooled by prose", () => {
    expect(tableRow("Note: this is one sentence.")).toBeNull();
    expect(tableRow("Plain text; with a semicolon")).toBeNull();
    expect(tableRow("A: b\nC: d")).toBeNull();
  });
});

describe("runs", () => {
  it("cuts a block where the cited range begins and ends", () => {
    expect(splitRuns("abcdef", 0, 6, [2, 4])).toEqual([
      { text: "ab", cited: false },
      { text: "cd", cited: true },
      { text: "ef", cited: false },
    ]);
    expect(splitRuns("abcdef", 0, 3, [3, 6])).toEqual([{ text: "abc", cited: false }]);
    expect(splitRuns("abcdef", 2, 6, undefined)).toEqual([{ text: "cdef", cited: false }]);
  });
});
