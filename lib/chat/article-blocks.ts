/**
 * A document's parts → what the article reader renders. Pure: the server builds it,
 * the reader's components only draw it.
 *
 * What the corpus keeps of a document's structure (lib/engine/extract, lib/ingest):
 * every section heading is a title part (`is_title`), the text under it is cut into
 * parts, and each part knows where it starts in the document (`offset`, `len`). The
 * text keeps one block (paragraph, list item, table row, code block) per "\n\n"-separated
 * run; numbered steps keep their number ("2. Enter your email"); a table row is written
 * "Header: cell; Header: cell"; code keeps its line breaks. Markdown's bullet markers are
 * not kept, so such an item reads as its own paragraph; a block that starts with a bullet
 * character ("• ", "- ") is a bulleted item. Parts cut from one long paragraph are
 * joined back when their offsets touch.
 */

export interface ArticlePartInput {
  text: string;
  metadata: Record<string, unknown>;
}

/** A run of text, inside or outside the cited passage. */
export interface Run {
  text: string;
  cited: boolean;
}

export type ArticleBlock =
  | { kind: "heading"; runs: Run[] }
  | { kind: "paragraph"; runs: Run[] }
  | { kind: "code"; runs: Run[] }
  | { kind: "steps"; items: Array<{ number: Run[]; runs: Run[] }> }
  | { kind: "bullets"; items: Run[][] }
  | { kind: "table"; headers: string[]; rows: Array<{ cells: string[]; cited: boolean }> };

/** Which part is cited: by its offset, or by the text it starts with. */
export type PassageRef = { offset: number } | { quote: string };

export interface ArticlePage {
  blocks: ArticleBlock[];
  /** 1-based. */
  page: number;
  pages: number;
  /** Whether the cited passage was found in the document (false when none was asked for). */
  found: boolean;
}

/** The most text one page of the reader renders; longer documents are paged. */
export const PAGE_CHARS = 60_000;
/** The most parts one page renders, whatever their length. */
export const PAGE_PARTS = 600;

interface Part {
  text: string;
  isTitle: boolean;
  offset?: number;
  len: number;
}

const offsetOf = (m: Record<string, unknown>): number | undefined =>
  typeof m.offset === "number" && Number.isSafeInteger(m.offset) && m.offset >= 0
    ? m.offset
    : undefined;

function toParts(input: readonly ArticlePartInput[]): Part[] {
  const parts = input
    .filter((p) => typeof p.text === "string" && p.text.trim() !== "")
    .map((p): Part => {
      const offset = offsetOf(p.metadata);
      return {
        text: p.text,
        isTitle: p.metadata.is_title === true,
        ...(offset !== undefined ? { offset } : {}),
        len:
          typeof p.metadata.len === "number" && p.metadata.len >= 0
            ? p.metadata.len
            : p.text.length,
      };
    });
  // Stored order is document order; sort by offset only when every part has one.
  if (parts.every((p) => p.offset !== undefined)) {
    parts.sort((a, b) => (a.offset as number) - (b.offset as number));
  }
  return parts;
}

const collapse = (s: string) => s.replace(/\s+/g, " ").trim();

/** The index of the cited part, or -1. */
export function findCitedPart(parts: readonly ArticlePartInput[], ref: PassageRef): number {
  const list = toParts(parts);
  return citedIndex(list, ref);
}

function citedIndex(parts: readonly Part[], ref: PassageRef): number {
  if ("offset" in ref) return parts.findIndex((p) => p.offset === ref.offset);
  const quote = collapse(ref.quote);
  if (!quote) return -1;
  const exact = parts.findIndex((p) => collapse(p.text).startsWith(quote));
  return exact !== -1 ? exact : parts.findIndex((p) => collapse(p.text).includes(quote));
}

/** Cuts the parts into pages of at most PAGE_CHARS characters and PAGE_PARTS parts. */
function paginate(parts: readonly Part[]): Array<{ start: number; end: number }> {
  const pages: Array<{ start: number; end: number }> = [];
  let start = 0;
  let chars = 0;
  parts.forEach((p, i) => {
    const full = i - start >= PAGE_PARTS || (chars > 0 && chars + p.text.length > PAGE_CHARS);
    // A heading never ends a page: it moves to the next one with its text.
    if (full && i > start) {
      const cut = parts[i - 1]?.isTitle && i - 1 > start ? i - 1 : i;
      pages.push({ start, end: cut });
      start = cut;
      chars = parts.slice(cut, i).reduce((n, q) => n + q.text.length, 0);
    }
    chars += p.text.length;
  });
  if (parts.length > start || pages.length === 0) pages.push({ start, end: parts.length });
  return pages;
}

/**
 * The reader's view of a document: the requested page (default: the one holding the
 * cited passage, else the first), as blocks with the cited part's text marked. Title
 * parts before any text that repeat the document's title are left out (the page shows it).
 */
export function toArticlePage(
  input: readonly ArticlePartInput[],
  { title, passage, page }: { title?: string; passage?: PassageRef; page?: number } = {},
): ArticlePage {
  const parts = toParts(input);
  const cited = passage ? citedIndex(parts, passage) : -1;
  const pages = paginate(parts);
  const citedPage = cited === -1 ? 0 : pages.findIndex((p) => cited >= p.start && cited < p.end);
  const index =
    page !== undefined && page >= 1 && page <= pages.length ? page - 1 : Math.max(0, citedPage);
  const range = pages[index] as { start: number; end: number };
  const blocks: ArticleBlock[] = [];
  let flow: Array<{ part: Part; cited: boolean }> = [];
  const flush = () => {
    if (flow.length) blocks.push(...flowBlocks(flow));
    flow = [];
  };
  // The document's title may open it as a title part, and again as its first section's.
  const leading = parts.findIndex((p) => !p.isTitle);
  for (let i = range.start; i < range.end; i++) {
    const part = parts[i] as Part;
    if (part.isTitle) {
      flush();
      const repeatsTitle =
        (leading === -1 || i < leading) &&
        title !== undefined &&
        collapse(part.text) === collapse(title);
      if (!repeatsTitle || i === cited) {
        blocks.push({ kind: "heading", runs: [{ text: collapse(part.text), cited: i === cited }] });
      }
      continue;
    }
    flow.push({ part, cited: i === cited });
  }
  flush();
  return { blocks, page: index + 1, pages: pages.length, found: cited !== -1 };
}

/**
 * The text parts between two headings → blocks. The parts are joined into one text
 * (touching offsets join without a break; otherwise "\n\n", a block break), the cited
 * part's range is remembered, and the text is split into blocks at blank lines.
 */
function flowBlocks(flow: ReadonlyArray<{ part: Part; cited: boolean }>): ArticleBlock[] {
  let text = "";
  let citedRange: [number, number] | undefined;
  let previous: Part | undefined;
  for (const { part, cited } of flow) {
    if (previous) text += separator(previous, part);
    const start = text.length;
    text += part.text;
    if (cited) citedRange = [start, text.length];
    previous = part;
  }
  const raw: Array<{ start: number; end: number }> = [];
  const breaks = /\n[ \t]*\n\s*/g;
  let last = 0;
  for (let m = breaks.exec(text); m; m = breaks.exec(text)) {
    raw.push({ start: last, end: m.index });
    last = m.index + m[0].length;
  }
  raw.push({ start: last, end: text.length });

  const runsOf = (start: number, end: number): Run[] => splitRuns(text, start, end, citedRange);
  const out: ArticleBlock[] = [];
  const rows: Array<{ start: number; end: number; pairs: Array<[string, string]> }> = [];
  const flushRows = () => {
    if (rows.length >= 2) out.push(toTable(rows, citedRange));
    else for (const r of rows) out.push({ kind: "paragraph", runs: runsOf(r.start, r.end) });
    rows.length = 0;
  };
  for (const block of raw) {
    // Trim the block's own edges so runs never start or end with whitespace.
    let { start, end } = block;
    while (start < end && /\s/.test(text[start] as string)) start++;
    while (end > start && /\s/.test(text[end - 1] as string)) end--;
    if (start === end) continue;
    const body = text.slice(start, end);
    const pairs = tableRow(body);
    if (pairs && (rows.length === 0 || rows[0]?.pairs[0]?.[0] === pairs[0]?.[0])) {
      rows.push({ start, end, pairs });
      continue;
    }
    flushRows();
    if (pairs) {
      rows.push({ start, end, pairs });
      continue;
    }
    if (body.includes("\n")) {
      out.push({ kind: "code", runs: runsOf(start, end) });
      continue;
    }
    // A bullet kept as a character ("• item", "- item"): core documents and other sources.
    const bullet = /^[•◦▪‣*-]\s+/.exec(body);
    if (bullet) {
      const item = runsOf(start + bullet[0].length, end);
      const prev = out.at(-1);
      if (prev?.kind === "bullets") prev.items.push(item);
      else out.push({ kind: "bullets", items: [item] });
      continue;
    }
    const step = /^(\d{1,9}[.)])\s+/.exec(body);
    if (step) {
      const item = {
        number: runsOf(start, start + (step[1] as string).length),
        runs: runsOf(start + step[0].length, end),
      };
      const prev = out.at(-1);
      if (prev?.kind === "steps") prev.items.push(item);
      else out.push({ kind: "steps", items: [item] });
      continue;
    }
    out.push({ kind: "paragraph", runs: runsOf(start, end) });
  }
  flushRows();
  return out;
}

/** How two consecutive parts join: by their offsets when both are known. */
function separator(a: Part, b: Part): string {
  if (a.offset === undefined || b.offset === undefined) return "\n\n";
  const gap = b.offset - (a.offset + a.len);
  if (gap <= 0) return "";
  if (gap === 1) return " ";
  return "\n\n";
}

/** The runs of text[start, end), cut where the cited range begins and ends. */
export function splitRuns(
  text: string,
  start: number,
  end: number,
  cited: readonly [number, number] | undefined,
): Run[] {
  if (!cited || cited[1] <= start || cited[0] >= end) {
    return [{ text: text.slice(start, end), cited: false }];
  }
  const a = Math.max(start, cited[0]);
  const b = Math.min(end, cited[1]);
  const runs: Run[] = [];
  if (a > start) runs.push({ text: text.slice(start, a), cited: false });
  runs.push({ text: text.slice(a, b), cited: true });
  if (b < end) runs.push({ text: text.slice(b, end), cited: false });
  return runs;
}

/** Header labels as the extractor writes them: short, without `;` or `:`. */
const PAIR = /^([^;:\n]{1,100}): ([\s\S]*)$/;

/**
 * "Header: cell; Header: cell" → its pairs, or null unless it has two or more. A cell
 * may itself hold "; " or ": "; a split is made only before "; Label: ".
 */
export function tableRow(text: string): Array<[string, string]> | null {
  if (text.includes("\n")) return null;
  const pieces = text.split(/; (?=[^;:\n]{1,100}: )/);
  if (pieces.length < 2) return null;
  const pairs: Array<[string, string]> = [];
  for (const piece of pieces) {
    const m = PAIR.exec(piece);
    if (!m) return null;
    pairs.push([(m[1] as string).trim(), (m[2] as string).trim()]);
  }
  return pairs;
}

/** Rows → a table whose headers are every label, in the order they first appear. */
function toTable(
  rows: ReadonlyArray<{ start: number; end: number; pairs: Array<[string, string]> }>,
  cited: readonly [number, number] | undefined,
): ArticleBlock {
  const headers: string[] = [];
  for (const r of rows)
    for (const [label] of r.pairs) if (!headers.includes(label)) headers.push(label);
  return {
    kind: "table",
    headers,
    rows: rows.map((r) => {
      const byLabel = new Map(r.pairs);
      return {
        cells: headers.map((h) => byLabel.get(h) ?? ""),
        cited: cited !== undefined && cited[0] < r.end && cited[1] > r.start,
      };
    }),
  };
}
