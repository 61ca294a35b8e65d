import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { EngineError } from "@/lib/engine/core/errors";
import {
  capTokens,
  MAX_TOKEN_CHARS,
  parseLexicalQuery,
  wordTokens,
} from "@/lib/engine/core/lexical";
import type { SectionInput } from "@/lib/engine/core/prepare";
import { extractHtml, MAX_HTML_DEPTH } from "@/lib/engine/extract/html";
import { atxHeading, extractMarkdown, isTableSeparator } from "@/lib/engine/extract/markdown";
import { inline } from "@/lib/engine/extract/markdown-inline";
import { MAX_BLOCK_CHARS, MAX_HEADING_CHARS, MAX_LABEL_CHARS } from "@/lib/engine/extract/outline";
import { makeEngine } from "../support/engine";

/**
 * Files shaped to make a backtracking parser or a per-part copy blow up. Every stage of
 * indexing must stay linear on them; these tests check what comes out (and its
 * bounds), never how long it took.
 */

// The regular expressions the inline scanner replaced, as they were: the reference.
function referenceInline(text: string): string {
  return referenceCollapse(
    text
      .split(/(`+[^`]*?`+)/)
      .map((piece, i) =>
        i % 2 === 1 ? piece.replace(/^`+|`+$/g, "").trim() : referencePlain(piece),
      )
      .join(""),
  );
}

const referenceCollapse = (s: string) => s.replace(/\s+/g, " ").trim();

function referencePlain(s: string): string {
  return referenceEntities(
    s
      .replace(/!\[([^\]]*)\]\([^)]*\)/g, "$1")
      .replace(/!\[([^\]]*)\]\[[^\]]*\]/g, "$1")
      .replace(/\[([^\]]+)\]\([^)]*\)/g, "$1")
      .replace(/\[([^\]]+)\]\[[^\]]*\]/g, "$1")
      .replace(/<((?:https?|mailto|ftp):[^>\s]+)>/gi, "$1")
      .replace(/<br\s*\/?>/gi, " ")
      .replace(/<\/?[A-Za-z][^>]*>/g, "")
      .replace(/(\*\*|__)(?=\S)(.+?)(?<=\S)\1/g, "$2")
      .replace(/(^|[^\p{L}\p{N}_*])\*(?=\S)(.+?)(?<=\S)\*(?![\p{L}\p{N}*])/gu, "$1$2")
      .replace(/(^|[^\p{L}\p{N}_])_(?=\S)(.+?)(?<=\S)_(?![\p{L}\p{N}_])/gu, "$1$2")
      .replace(/~~(?=\S)(.+?)(?<=\S)~~/g, "$1")
      .replace(/\\([!-/:-@[-`{-~])/g, "$1"),
  );
}

const NAMED: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', nbsp: " " };
function referenceEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]{1,6}|#\d{1,7}|[a-z]+);/gi, (whole, ref: string) => {
    if (ref.startsWith("#")) {
      const code =
        ref[1] === "x" || ref[1] === "X" ? Number.parseInt(ref.slice(2), 16) : Number(ref.slice(1));
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return NAMED[ref.toLowerCase()] ?? whole;
  });
}

/** Markdown-ish text: markup characters, letters, spaces and the odd astral character. */
const markdownish = (pieces: string[]) =>
  fc.array(fc.constantFrom(...pieces), { maxLength: 40 }).map((a) => a.join(""));

const INLINE_PIECES = [
  ..."*_~`[]()!<>/\\&#;:| \t".split(""),
  "a",
  "b",
  "é",
  "1",
  "𝒜", // an astral letter
  "😀", // an astral symbol
  "\u2028",
  "**",
  "__",
  "~~",
  "``",
  "](",
  "![",
  "<br>",
  "<b>",
  "</b>",
  "http:",
  "mailto:",
  "&amp;",
  "&#x41;",
];

/**
 * Where two long strings first differ (-1 when equal): a failed comparison of
 * megabyte strings would print them whole.
 */
function firstDifference(a: string, b: string): number {
  if (a === b) return -1;
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  return i;
}

const texts = (sections: SectionInput[]): string[] =>
  sections.flatMap((s) => [s.title ?? "", s.text, ...texts(s.sections ?? [])]);
const blocks = (sections: SectionInput[]) =>
  texts(sections).flatMap((t) => t.split("\n\n").filter(Boolean));

describe("Markdown inline scanner", () => {
  it("gives what the regular expressions it replaced gave", () => {
    fc.assert(
      fc.property(markdownish(INLINE_PIECES), (text) => {
        expect(inline(text)).toBe(referenceInline(text));
      }),
      { numRuns: 5000 },
    );
  });

  it("keeps the output of documented cases", () => {
    expect(inline("Open **Settings** > _Security_, then [Reset](https://x.io/r)")).toBe(
      "Open Settings > Security, then Reset",
    );
    expect(inline("run `a **b**` and ~~old~~ new &amp; <b>bold</b>")).toBe(
      "run a **b** and old new & bold",
    );
    expect(inline("2*3*4 and snake_case_name stay")).toBe("2*3*4 and snake_case_name stay");
  });
});

describe("Markdown line patterns", () => {
  const ATX = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/;
  const SEPARATOR = /^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$/;

  it("reads headings as the ATX pattern did", () => {
    fc.assert(
      fc.property(markdownish([" ", "\t", "#", "a", "b", "\u2028", "##", "   "]), (line) => {
        const m = ATX.exec(line);
        const expected = m ? { level: (m[1] as string).length, title: m[2] ?? "" } : undefined;
        expect(atxHeading(line)).toEqual(expected);
      }),
      { numRuns: 5000 },
    );
  });

  it("reads table separators as the pattern did", () => {
    fc.assert(
      fc.property(markdownish([" ", "\t", "|", "-", ":", "a", "---", "\u00a0"]), (line) => {
        expect(isTableSeparator(line)).toBe(SEPARATOR.test(line) && line.includes("-"));
      }),
      { numRuns: 5000 },
    );
  });
});

describe("hostile Markdown", () => {
  /** The document's text with blocks joined by spaces, as a reader would see it. */
  const flat = (md: string) => blocks(extractMarkdown(md).sections).join(" ");

  it("leaves unclosed markup as text, in blocks of at most MAX_BLOCK_CHARS", () => {
    for (const unit of ["**a ", "[a](", "<a ", "_a ", "*a ", "~~a ", "![a](", "<http:", "<!--"]) {
      const md = unit.repeat(40_000);
      const doc = extractMarkdown(md);
      const all = blocks(doc.sections);
      const words = (t: string) => t.replace(/\s+/g, "");
      expect(firstDifference(words(all.join("")), words(md)), unit).toBe(-1);
      expect(Math.max(...all.map((b) => b.length)), unit).toBeLessThanOrEqual(MAX_BLOCK_CHARS);
      expect(all.length, unit).toBeGreaterThanOrEqual(Math.ceil(md.length / MAX_BLOCK_CHARS));
    }
  });

  it("still strips closed markup in a long line", () => {
    expect(firstDifference(flat("**a** ".repeat(40_000)), "a ".repeat(40_000).trim())).toBe(-1);
    expect(firstDifference(flat("[a](x) ".repeat(30_000)), "a ".repeat(30_000).trim())).toBe(-1);
  });

  it("cuts a one-word paragraph into bounded blocks", () => {
    const all = blocks(extractMarkdown("a".repeat(1_000_000)).sections);
    expect(firstDifference(all.join(""), "a".repeat(1_000_000))).toBe(-1);
    expect(all.every((b) => b.length === MAX_BLOCK_CHARS)).toBe(true);
  });

  it("reads a line of backticks as an empty code span, and '#' lines as empty headings", () => {
    expect(extractMarkdown("`".repeat(1_000_000)).sections).toEqual([]);
    expect(extractMarkdown("#\n".repeat(100_000)).sections).toEqual([]);
  });

  it("keeps a long heading's first words as the title and the rest as text", () => {
    const words = "word ".repeat(100_000).trim();
    const doc = extractMarkdown(`# ${words}\nBody.`);
    const title = doc.sections[0]?.title ?? "";
    expect(title.length).toBeLessThanOrEqual(MAX_HEADING_CHARS);
    expect(title.length).toBeGreaterThan(MAX_HEADING_CHARS / 2);
    const rest = blocks(doc.sections).slice(1).join(" ");
    expect(firstDifference(`${title} ${rest}`, `${words} Body.`)).toBe(-1);
  });

  it("repeats at most MAX_LABEL_CHARS of a table header on each row", () => {
    const header = "h".repeat(500_000);
    const doc = extractMarkdown(`| ${header} |\n|-|\n${"| b |\n".repeat(1000)}`);
    const rows = blocks(doc.sections);
    expect(rows).toHaveLength(1000);
    expect(rows[0]).toBe(`${"h".repeat(MAX_LABEL_CHARS)}: b`);
  });

  it("keeps code blocks with long runs of spaces and blank lines", () => {
    const spaces = extractMarkdown(`\`\`\`\nx${" ".repeat(100_000)}x   \n\`\`\``);
    expect(blocks(spaces.sections).join("").replace(/\s+/g, " ")).toBe("x x");
    const lines = extractMarkdown(`\`\`\`\nx${"\n".repeat(100_000)}x\n\`\`\``);
    expect(blocks(lines.sections)).toEqual(["x", "x"]);
  });

  it("keeps an unclosed comment as text", () => {
    expect(flat(`a <!-- b --> c ${"<!--".repeat(10)} d`)).toBe(
      `a  c ${"<!--".repeat(10)} d`.replace(/\s+/g, " "),
    );
  });
});

describe("hostile HTML", () => {
  it("cuts one long text node into bounded blocks", () => {
    const doc = extractHtml(`<p>${"a".repeat(1_000_000)}</p>`);
    const all = blocks(doc.sections);
    expect(firstDifference(all.join(""), "a".repeat(1_000_000))).toBe(-1);
    expect(Math.max(...all.map((b) => b.length))).toBeLessThanOrEqual(MAX_BLOCK_CHARS);
  });

  it("numbers a list item whose text comes after many blank inline elements", () => {
    const doc = extractHtml(`<ol><li>${"<i> </i>".repeat(100_000)}Step</li></ol>`);
    expect(blocks(doc.sections)).toEqual(["1. Step"]);
  });

  it("refuses elements nested deeper than MAX_HTML_DEPTH, which the parser would pay for per tag", () => {
    const nested = (n: number) => `${"<div>".repeat(n)}deep${"</div>".repeat(n)}`;
    expect(blocks(extractHtml(nested(MAX_HTML_DEPTH - 2)).sections)).toEqual(["deep"]);
    expect(() => extractHtml(nested(MAX_HTML_DEPTH + 1))).toThrow(/more than 512 deep/);
    expect(() => extractHtml("<div>a".repeat(100_000))).toThrow(EngineError);
    // Siblings, void elements and implied closes do not nest.
    const flat = extractHtml(`<ol>${"<li>a<br><img>".repeat(10_000)}</ol>${"<p>b".repeat(10_000)}`);
    expect(blocks(flat.sections)).toHaveLength(20_000);
  });

  it("repeats at most MAX_LABEL_CHARS of a table header on each row", () => {
    const doc = extractHtml(
      `<table><tr><th>${"h".repeat(500_000)}</th></tr>${"<tr><td>b</td></tr>".repeat(1000)}</table>`,
    );
    const rows = blocks(doc.sections);
    expect(rows).toHaveLength(1000);
    expect(rows[0]).toBe(`${"h".repeat(MAX_LABEL_CHARS)}: b`);
  });
});

describe("word cap", () => {
  it("cuts words longer than MAX_TOKEN_CHARS for the index and for queries alike", () => {
    const long = `x${"a".repeat(1_000_000)}`;
    expect(capTokens(`hello ${long} world`)).toBe(`hello ${long.slice(0, MAX_TOKEN_CHARS)} world`);
    expect(capTokens("short words stay")).toBe("short words stay");
    expect(wordTokens(long)).toEqual([long.slice(0, MAX_TOKEN_CHARS)]);
    expect(parseLexicalQuery(long.slice(0, 4000)).terms.map((t) => t.text)).toEqual([
      long.slice(0, MAX_TOKEN_CHARS),
    ]);
    // 10 MB of one word (the upload limit) in one go.
    expect(capTokens("b".repeat(10_000_000))).toBe("b".repeat(MAX_TOKEN_CHARS));
    // Never half a surrogate pair.
    const astral = "𝒜".repeat(MAX_TOKEN_CHARS + 5);
    expect(capTokens(astral)).toBe("𝒜".repeat(MAX_TOKEN_CHARS));
  });
});

describe("hostile uploads", () => {
  async function upload(md: string, name: string) {
    const fixture = makeEngine();
    await fixture.client.corpora.create({ key: "kb" });
    const form = new FormData();
    form.append("file", new Blob([md], { type: "text/markdown" }), name);
    const response = await fixture.engine.handle(
      new Request("http://x/v2/corpora/kb/upload_file", {
        method: "POST",
        headers: { "x-api-key": fixture.engine.apiKey },
        body: form,
      }),
    );
    return { ...fixture, status: response.status };
  }

  it("indexes a 3 MB one-word Markdown file, searchable by its first characters", async () => {
    const word = `zebra${"a".repeat(3_000_000)}`;
    const { status, engine, client } = await upload(word, "word.md");
    expect(status).toBe(201);
    const longest = engine.db
      .prepare("SELECT MAX(length(term)) FROM parts_fts_vocab")
      .pluck()
      .get() as number;
    expect(longest).toBeLessThanOrEqual(MAX_TOKEN_CHARS);
    const sectionTerm = engine.db
      .prepare("SELECT MAX(length(term)) FROM sections_fts_vocab")
      .pluck()
      .get() as number;
    expect(sectionTerm).toBeLessThanOrEqual(MAX_TOKEN_CHARS);
    const found = await client.query.corpus("kb", {
      query: word.slice(0, 1000),
      search: { limit: 3 },
    });
    expect(found.searchResults?.[0]?.documentId).toBe("word.md");
    const doc = await client.documents.get("kb", "word.md");
    expect(firstDifference(doc.parts.map((p) => p.text).join(""), word)).toBe(-1);
  });

  it("indexes a long line of unclosed emphasis", async () => {
    const { status, client } = await upload(`Intro sentence.\n\n${"**a ".repeat(40_000)}`, "em.md");
    expect(status).toBe(201);
    const doc = await client.documents.get("kb", "em.md");
    const expected = `Intro sentence. ${"**a ".repeat(40_000).trim()}`;
    expect(firstDifference(doc.parts.map((p) => p.text).join(" "), expected)).toBe(-1);
  });
});
