import { type Document, parseDocument, visit } from "yaml";
import { z } from "zod";
import { EngineError, errors } from "../core/errors";
import { checkJsonBounds, METADATA_BOUNDS } from "../core/json-bounds";
import type { Metadata } from "../core/prepare";
import { inline } from "./markdown-inline";
import { type ExtractedDocument, label, OutlineBuilder, splitLong } from "./outline";

/**
 * Markdown to readable text. YAML front matter becomes document metadata; `#`…`######`
 * (and setext) headings become nested sections; each paragraph, list item, table row
 * and code block becomes its own block, so it is at least one sentence; a numbered
 * item keeps its number ("2. Enter your email"), counted as a renderer counts. Table rows are
 * written as "Header: cell; Header: cell" so a row found alone still says what its
 * cells mean. Fenced code is kept verbatim (support answers quote commands and
 * settings); link targets, image URLs, emphasis markers and HTML tags are dropped.
 *
 * Linear in the file, whatever it holds: inline markup is read by a scanner
 * (`markdown-inline.ts`), the line patterns below cannot backtrack across a long line,
 * and a paragraph longer than MAX_BLOCK_CHARS is cut into blocks before its inline
 * markup is read (`outline.ts`).
 */
export function extractMarkdown(source: string): ExtractedDocument {
  const { metadata, body } = splitFrontMatter(source.replace(/\r\n?/g, "\n"));
  const out = new OutlineBuilder();
  const lines = stripComments(body).split("\n");
  let paragraph: string[] = [];
  /** The ordered list being read: its items' indent and the next number to give. */
  let ordered: { indent: number; next: number } | undefined;
  let blank = false;
  const flush = () => {
    if (paragraph.length)
      for (const piece of splitLong(paragraph.join(" "))) out.block(inline(piece));
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
    const atx = atxHeading(line);
    if (atx) {
      flush();
      ordered = undefined;
      out.heading(atx.level, inline(atx.title));
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
      const headers = cells(line).map((h) => label(inline(h)));
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

/**
 * A delimiter row ("|---|:--:|"): cells of `:?-+:?`, with optional outer pipes. Read
 * by hand: the equivalent pattern, /^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$/, tries
 * every way to share a long run of spaces between its adjacent `\s*`.
 */
export function isTableSeparator(line: string | undefined): boolean {
  if (line === undefined || !line.includes("-")) return false;
  let t = line.trim();
  if (t.startsWith("|")) t = t.slice(1);
  if (t.endsWith("|")) t = t.slice(0, -1);
  return t.split("|").every((cell) => /^:?-+:?$/.test(cell.trim()));
}

/**
 * An ATX heading ("## Title ##"), read as /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/
 * reads it (a title of only "#"s stays) but without retrying the lazy title at every
 * character of a long line.
 */
export function atxHeading(line: string): { level: number; title: string } | undefined {
  let i = 0;
  while (i < 3 && line[i] === " ") i++;
  let j = i;
  while (line[j] === "#") j++;
  const level = j - i;
  if (level < 1 || level > 6) return undefined;
  if (j === line.length) return { level, title: "" };
  if (!isBlank(line[j])) return undefined;
  if (/[\u2028\u2029]/.test(line)) return undefined; // `.` stops at them and `$` cannot
  let a = j;
  while (a < line.length && isBlank(line[a])) a++;
  let b = line.length;
  while (b > a && isBlank(line[b - 1])) b--;
  // A closing run of "#"s after a space or tab is not part of the title.
  let h = b;
  while (h > a && line[h - 1] === "#") h--;
  let w = h;
  while (w > a && isBlank(line[w - 1])) w--;
  return { level, title: line.slice(a, h < b && w < h ? w : b) };
}

const isBlank = (c: string | undefined) => c === " " || c === "\t";

/** Removes `<!-- … -->` comments; an unclosed one stays (no later comment can close). */
function stripComments(s: string): string {
  const out: string[] = [];
  let last = 0;
  for (;;) {
    const open = s.indexOf("<!--", last);
    if (open === -1) break;
    const close = s.indexOf("-->", open + 4);
    if (close === -1) break;
    out.push(s.slice(last, open));
    last = close + 3;
  }
  out.push(s.slice(last));
  return out.join("");
}

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
