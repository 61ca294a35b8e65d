import { type Document, parseDocument, visit } from "yaml";
import { z } from "zod";
import { EngineError, errors } from "../core/errors";
import { checkJsonBounds, METADATA_BOUNDS } from "../core/json-bounds";
import type { Metadata } from "../core/prepare";
import { collapse, type ExtractedDocument, OutlineBuilder } from "./outline";

/**
 * Markdown to readable text. YAML front matter becomes document metadata; `#`…`######`
 * (and setext) headings become nested sections; each paragraph, list item, table row
 * and code block becomes its own block, so it is at least one sentence; a numbered
 * item keeps its number ("2. Enter your email"), counted as a renderer counts. Table rows are
 * written as "Header: cell; Header: cell" so a row found alone still says what its
 * cells mean. Fenced code is kept verbatim (support answers quote commands and
 * settings); link targets, image URLs, emphasis markers and HTML tags are dropped.
 */
export function extractMarkdown(source: string): ExtractedDocument {
  const { metadata, body } = splitFrontMatter(source.replace(/\r\n?/g, "\n"));
  const out = new OutlineBuilder();
  const lines = body.replace(/<!--[\s\S]*?-->/g, "").split("\n");
  let paragraph: string[] = [];
  /** The ordered list being read: its items' indent and the next number to give. */
  let ordered: { indent: number; next: number } | undefined;
  let blank = false;
  const flush = () => {
    if (paragraph.length) out.block(inline(paragraph.join(" ")));
    paragraph = [];
  };

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    const afterBlank = blank;
    blank = line.trim() === "";
    const fence = /^ {0,3}(`{3,}|~{3,})/.exec(line);
    if (fence) {
      flush();
      ordered = undefined;
      const marker = fence[1] as string;
      const code: string[] = [];
      while (++i < lines.length) {
        const l = lines[i] as string;
        if (l.trimStart().startsWith(marker) && l.trim().replace(/[`~]/g, "") === "") break;
        code.push(l);
      }
      out.block(code.join("\n"), { keepLines: true });
      continue;
    }
    const atx = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/.exec(line);
    if (atx) {
      flush();
      ordered = undefined;
      out.heading((atx[1] as string).length, inline(atx[2] ?? ""));
      continue;
    }
    const setext = /^ {0,3}(=+|-+)[ \t]*$/.exec(line);
    if (setext && paragraph.length) {
      const title = paragraph.join(" ");
      paragraph = [];
      out.heading((setext[1] as string).startsWith("=") ? 1 : 2, inline(title));
      continue;
    }
    if (/^ {0,3}([-*_])([ \t]*\1){2,}[ \t]*$/.test(line)) {
      flush();
      continue;
    }
    if (isTableRow(line) && isTableSeparator(lines[i + 1])) {
      flush();
      const headers = cells(line).map(inline);
      i++;
      while (i + 1 < lines.length && isTableRow(lines[i + 1] as string)) {
        i++;
        out.block(tableRow(headers, cells(lines[i] as string).map(inline)));
      }
      continue;
    }
    if (/^ {0,3}\[[^\]]+\]:\s*\S/.test(line)) continue; // a link reference definition
    const item = /^(\s*)(?:[-*+]|(\d{1,9})[.)])[ \t]+(?:\[[ xX]\][ \t]+)?(.*)$/.exec(line);
    if (item) {
      flush();
      const indent = (item[1] as string).length;
      const text = item[3] as string;
      if (item[2] === undefined) {
        if (ordered && indent <= ordered.indent) ordered = undefined;
        paragraph = [text];
        continue;
      }
      // Numbered steps keep their number, counted as a renderer would ("1." "1." → 1, 2).
      if (!ordered || indent !== ordered.indent) ordered = { indent, next: Number(item[2]) };
      paragraph = [`${ordered.next++}. ${text}`];
      continue;
    }
    if (blank) {
      flush();
      continue;
    }
    // A paragraph at the margin after a blank line ends the list.
    if (afterBlank && ordered && /^\S/.test(line)) ordered = undefined;
    const quote = /^ {0,3}>[ \t]?(.*)$/.exec(line);
    paragraph.push(quote ? (quote[1] as string) : line);
  }
  flush();
  return {
    metadata,
    title: stringTitle(metadata),
    firstHeading: out.firstHeading,
    sections: out.build(),
  };
}

const frontMatterSchema = z.record(z.string(), z.json());

/**
 * YAML aliases a front matter may resolve (the `yaml` package's count, which grows
 * with what they expand to): a few reuses are fine, a "billion laughs" is not.
 */
const MAX_FRONT_MATTER_ALIASES = 20;

/**
 * Front matter is document metadata, with metadata's limits (32 levels, 64 KB).
 * YAML that is invalid, refers to itself (`a: &a [*a]`) or expands its aliases too
 * far is a 400 on `body.file`.
 */
function splitFrontMatter(source: string): { metadata: Metadata; body: string } {
  const text = source.replace(/^\uFEFF/, "");
  const match = /^---[ \t]*\n([\s\S]*?)\n(?:---|\.\.\.)[ \t]*(?:\n|$)/.exec(text);
  if (!match) return { metadata: {}, body: text };
  const bad = (message: string) => errors.field("body.file", `front matter ${message}`);
  let value: unknown;
  try {
    const doc = parseDocument(match[1] as string);
    if (doc.errors.length > 0) throw doc.errors[0];
    if (hasAliasCycle(doc)) throw bad("has a YAML alias inside its own anchor (a cycle)");
    value = doc.toJS({ maxAliasCount: MAX_FRONT_MATTER_ALIASES });
  } catch (error) {
    if (error instanceof EngineError) throw error;
    const reason = (error as Error).message.split("\n")[0] ?? "";
    if (/excessive alias count/i.test(reason)) {
      throw bad(`expands its YAML aliases too far (at most ${MAX_FRONT_MATTER_ALIASES})`);
    }
    throw bad(`is not valid YAML: ${reason}`);
  }
  if (value === null || value === undefined)
    return { metadata: {}, body: text.slice(match[0].length) };
  // Plain text between two rules ("---") is not front matter, just a document that
  // opens with a horizontal rule.
  if (typeof value !== "object") return { metadata: {}, body: text };
  // Bounded before anything recursive (JSON.stringify, z.json()) reads it.
  const problem = checkJsonBounds(value, METADATA_BOUNDS);
  if (problem) throw bad(problem);
  // Through JSON, so metadata holds only what a JSON API can return.
  const parsed = frontMatterSchema.safeParse(JSON.parse(JSON.stringify(value)));
  if (!parsed.success || Array.isArray(value)) {
    throw bad("must be a YAML mapping of keys to values");
  }
  return { metadata: parsed.data as Metadata, body: text.slice(match[0].length) };
}

/** Whether an alias refers to a node that contains it (the syntax tree itself is finite). */
function hasAliasCycle(doc: Document): boolean {
  let cycle = false;
  visit(doc, {
    Alias(_key, alias, path) {
      const target = alias.resolve(doc);
      if (target && path.includes(target)) {
        cycle = true;
        return visit.BREAK;
      }
    },
  });
  return cycle;
}

const stringTitle = (m: Metadata) =>
  typeof m.title === "string" && m.title.trim() ? m.title.trim() : undefined;

const isTableRow = (line: string) => line.includes("|") && line.trim() !== "";

const isTableSeparator = (line: string | undefined) =>
  line !== undefined &&
  /^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$/.test(line) &&
  line.includes("-");

function cells(line: string): string[] {
  const trimmed = line
    .trim()
    .replace(/^\|/, "")
    .replace(/(?<!\\)\|$/, "");
  return trimmed.split(/(?<!\\)\|/).map((c) => c.trim().replace(/\\\|/g, "|"));
}

function tableRow(headers: string[], row: string[]): string {
  const named = row
    .map((cell, i) => {
      if (!cell) return "";
      const h = headers[i];
      return h ? `${h}: ${cell}` : cell;
    })
    .filter(Boolean);
  return named.join("; ");
}

/** Strips inline Markdown, leaving the words a reader sees. Code spans are kept verbatim. */
export function inline(text: string): string {
  return collapse(
    text
      .split(/(`+[^`]*?`+)/)
      .map((piece, i) => (i % 2 === 1 ? piece.replace(/^`+|`+$/g, "").trim() : plain(piece)))
      .join(""),
  );
}

function plain(s: string): string {
  return decodeEntities(
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

const NAMED: Record<string, string> = {
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  apos: "'",
  nbsp: " ",
  ndash: "–",
  mdash: "—",
  hellip: "…",
  copy: "©",
  reg: "®",
  trade: "™",
};

function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]{1,6}|#\d{1,7}|[a-z]+);/gi, (whole, ref: string) => {
    if (ref.startsWith("#")) {
      const code =
        ref[1] === "x" || ref[1] === "X" ? Number.parseInt(ref.slice(2), 16) : Number(ref.slice(1));
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return NAMED[ref.toLowerCase()] ?? whole;
  });
}
