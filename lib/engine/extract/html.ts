import { Parser } from "htmlparser2";
import { errors } from "../core/errors";
import { collapse, type ExtractedDocument, label, OutlineBuilder } from "./outline";

/**
 * HTML to readable text with htmlparser2 (entities decoded by the parser). Only what
 * a reader sees is kept: script, style, nav, templates, embedded objects and
 * anything `hidden` or `aria-hidden` are dropped, and so is site navigation that is
 * not in a `<nav>` (see `isNavigation`). `<title>` is the title and
 * `<meta name="description">` metadata `description`; `h1`–`h6` open nested
 * sections, block elements and `<br>` end a block, items of an ordered list keep their
 * number ("2. Enter your email"), and table rows become blocks written
 * "Header: cell; Header: cell" when the table has a header row.
 */
const SKIP = new Set([
  "script",
  "style",
  "noscript",
  "template",
  "nav",
  "svg",
  "iframe",
  "object",
  "embed",
  "canvas",
  "select",
  "datalist",
]);

const BLOCK = new Set([
  "address",
  "article",
  "aside",
  "blockquote",
  "body",
  "caption",
  "dd",
  "details",
  "dialog",
  "div",
  "dl",
  "dt",
  "fieldset",
  "figcaption",
  "figure",
  "footer",
  "form",
  "header",
  "hr",
  "li",
  "main",
  "ol",
  "p",
  "pre",
  "section",
  "summary",
  "table",
  "ul",
]);

/**
 * Navigation that generated documentation marks by role, class or summary rather than
 * with `<nav>`: DocBook's "Prev / Up / Home / Next" tables (`navheader`, `navfooter`,
 * `summary="Navigation header"`) and in-page tables of contents (`class="toc"`),
 * Sphinx's `role="navigation"` bars and sidebars, breadcrumbs and skip links. Indexed,
 * they would put the same links into every page. Class and id are matched as whole
 * tokens, so a heading's `toc-backref` link stays.
 */
const NAV_CLASSES = new Set([
  "navheader",
  "navfooter",
  "navbar",
  "navigation",
  "breadcrumb",
  "breadcrumbs",
  "sphinxsidebar",
  "toc",
  "skip-link",
  "skiplink",
]);

function isNavigation(name: string, attribs: Record<string, string>): boolean {
  if (attribs.role === "navigation" || attribs.role === "search") return true;
  if (name === "table" && /navigation/i.test(attribs.summary ?? "")) return true;
  const tokens = `${attribs.class ?? ""} ${attribs.id ?? ""}`.toLowerCase().split(/\s+/);
  return tokens.some((t) => NAV_CLASSES.has(t));
}

/**
 * How deeply elements may nest. htmlparser2 keeps its open elements in an array it
 * shifts at the front and searches on every end tag, so each tag costs time in the
 * depth: 500,000 unclosed `<div>`s took minutes. Chrome's parser stops nesting at 512
 * too; a file nested deeper (left unclosed, in practice) is refused with a 400.
 */
export const MAX_HTML_DEPTH = 512;

interface TableState {
  headers: string[] | undefined;
  row: string[] | undefined;
  rowAllHeaders: boolean;
  cell: string | undefined;
  /** Data rows written so far; a table of only a header row still writes that row. */
  rows: number;
}

export function extractHtml(html: string): ExtractedDocument {
  const out = new OutlineBuilder();
  let title: string | undefined;
  let description = "";
  let inTitle = false;
  let skipDepth = 0;
  let heading: { level: number; text: string } | undefined;
  let pre = 0;
  let block = "";
  const tables: TableState[] = [];
  /** Open lists, innermost last: the last number used in an `<ol>`, undefined in a `<ul>`. */
  const lists: Array<number | undefined> = [];
  /** "3. " while an ordered item's first text is awaited (it may sit in a nested `<p>`). */
  let itemNumber = "";

  /** Whether `block` has a non-space character (kept, not re-read: blocks can be long). */
  let blockHasText = false;

  const flush = () => {
    if (block) out.block(block, { keepLines: pre > 0 });
    block = "";
    blockHasText = false;
  };
  const cellOpen = () => tables.at(-1)?.cell !== undefined;

  /** Open elements, as the parser reports them (void elements open and close at once). */
  let depth = 0;

  const parser = new Parser(
    {
      onopentag(name, attribs) {
        if (++depth > MAX_HTML_DEPTH) {
          throw errors.field(
            "body.file",
            `nests HTML elements more than ${MAX_HTML_DEPTH} deep (are tags left unclosed?)`,
          );
        }
        if (skipDepth > 0) {
          skipDepth++;
          return;
        }
        if (
          SKIP.has(name) ||
          "hidden" in attribs ||
          attribs["aria-hidden"] === "true" ||
          isNavigation(name, attribs)
        ) {
          skipDepth = 1;
          return;
        }
        if (name === "meta" && attribs.name?.toLowerCase() === "description" && attribs.content) {
          description = collapse(attribs.content);
          return;
        }
        if (name === "title") {
          inTitle = true;
          title = "";
          return;
        }
        const level = /^h([1-6])$/.exec(name);
        if (level && !cellOpen()) {
          flush();
          heading = { level: Number(level[1]), text: "" };
          return;
        }
        if (name === "table") {
          flush();
          tables.push({
            headers: undefined,
            row: undefined,
            rowAllHeaders: true,
            cell: undefined,
            rows: 0,
          });
          return;
        }
        const table = tables.at(-1);
        if (table && name === "tr") {
          table.row = [];
          table.rowAllHeaders = true;
          return;
        }
        if (table && (name === "td" || name === "th")) {
          table.cell = "";
          if (name === "td") table.rowAllHeaders = false;
          return;
        }
        if (name === "ol" || name === "ul") {
          const start = Number.parseInt(attribs.start ?? "", 10);
          lists.push(name === "ol" ? (Number.isSafeInteger(start) ? start - 1 : 0) : undefined);
        }
        if (name === "li" && !cellOpen()) {
          const last = lists.length - 1;
          const n = lists[last];
          if (n !== undefined) {
            lists[last] = n + 1;
            flush();
            itemNumber = `${n + 1}. `;
          }
        }
        if (name === "br" || BLOCK.has(name)) {
          if (cellOpen()) appendText(" ");
          else if (name === "br" && pre > 0) block += "\n";
          else flush();
        }
        if (name === "pre") pre++;
      },
      ontext(text) {
        if (skipDepth > 0) return;
        if (inTitle) title += text;
        else appendText(text);
      },
      onclosetag(name) {
        depth--;
        if (skipDepth > 0) {
          skipDepth--;
          return;
        }
        if (name === "title") {
          inTitle = false;
          return;
        }
        if (heading && /^h[1-6]$/.test(name)) {
          out.heading(heading.level, heading.text);
          heading = undefined;
          return;
        }
        const table = tables.at(-1);
        if (table && (name === "td" || name === "th")) {
          table.row?.push(collapse(table.cell ?? ""));
          table.cell = undefined;
          return;
        }
        if (table && name === "tr") {
          emitRow(table);
          return;
        }
        if (table && name === "table") {
          if (table.row) emitRow(table);
          if (table.rows === 0 && table.headers) out.block(table.headers.join(" | "));
          tables.pop();
          return;
        }
        if (name === "pre") {
          flush();
          pre = Math.max(0, pre - 1);
          return;
        }
        if (name === "ol" || name === "ul") lists.pop();
        if (name === "li") itemNumber = "";
        if (BLOCK.has(name) && !cellOpen()) flush();
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true },
  );

  function appendText(text: string) {
    const table = tables.at(-1);
    if (heading) heading.text += text;
    else if (table && table.cell !== undefined) table.cell += text;
    else if (itemNumber && !blockHasText && /\S/.test(text)) {
      block = itemNumber + text.trimStart();
      itemNumber = "";
      blockHasText = true;
    } else {
      block += text;
      if (!blockHasText && /\S/.test(text)) blockHasText = true;
    }
  }

  function emitRow(table: TableState) {
    const row = table.row ?? [];
    table.row = undefined;
    if (!row.some(Boolean)) return;
    if (table.rowAllHeaders && table.headers === undefined) {
      table.headers = row;
      return;
    }
    const headers = table.headers;
    const text = row
      .map((cell, i) => (cell && headers?.[i] ? `${label(headers[i])}: ${cell}` : cell))
      .filter(Boolean)
      .join(headers ? "; " : " | ");
    out.block(text);
    table.rows++;
  }

  parser.write(html);
  parser.end();
  if (heading) out.heading(heading.level, heading.text);
  flush();
  const cleanTitle = title ? collapse(title) : "";
  return {
    metadata: description ? { description } : {},
    title: cleanTitle || undefined,
    firstHeading: out.firstHeading,
    sections: out.build(),
  };
}
