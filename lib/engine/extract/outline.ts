import type { Metadata, SectionInput } from "../core/prepare";

/** What an extractor hands to indexing: a structured document without an id. */
export interface ExtractedDocument {
  /** Document-level metadata found in the file (front matter, PDF info). */
  metadata: Metadata;
  /** A title stated apart from the body (front matter, `<title>`, PDF info). */
  title?: string;
  /** The text of the first level-1 heading, a fallback title. */
  firstHeading?: string;
  sections: SectionInput[];
}

/**
 * The longest block (paragraph, list item, table row, code block) an extractor
 * writes, in characters. A longer one (a minified file, a log pasted as one line, a
 * 3 MB "word") is cut into blocks of at most this size: at the last line break in the
 * second half of the window, else the last space, else anywhere but inside a
 * surrogate pair. Markdown cuts a paragraph before reading its inline markup, so no
 * step of extraction works on more than this at once; markup that spans a cut
 * (`[a link](…)` split in two) is left as written.
 */
export const MAX_BLOCK_CHARS = 20_000;

/**
 * A heading longer than this is not a title: the first MAX_HEADING_CHARS (cut at a
 * space) become the section's title and the rest its first block.
 */
export const MAX_HEADING_CHARS = 1000;

/**
 * Table rows are written "Header: cell; Header: cell", so a header cell is repeated
 * before every cell of its column; at most this much of it, or a table of long
 * headers over many short rows would cost rows × header length.
 */
export const MAX_LABEL_CHARS = 100;

/** A header cell as the label repeated in each row (see MAX_LABEL_CHARS). */
export const label = (header: string) =>
  header.length <= MAX_LABEL_CHARS
    ? header
    : header.slice(0, cutPoint(header, 0, MAX_LABEL_CHARS)).trim();

/** Cuts `text` into pieces of at most `max` characters (see MAX_BLOCK_CHARS). */
export function splitLong(text: string, max = MAX_BLOCK_CHARS): string[] {
  if (text.length <= max) return [text];
  const pieces: string[] = [];
  let pos = 0;
  while (text.length - pos > max) {
    const cut = cutPoint(text, pos, max);
    pieces.push(text.slice(pos, cut));
    pos = cut;
  }
  pieces.push(text.slice(pos));
  return pieces;
}

/** Where to end a piece that starts at `pos`: see MAX_BLOCK_CHARS. */
function cutPoint(text: string, pos: number, max: number): number {
  const end = pos + max;
  const floor = pos + Math.floor(max / 2);
  for (let i = end - 1; i >= floor; i--) if (text[i] === "\n") return i + 1;
  for (let i = end - 1; i >= floor; i--) if (/\s/.test(text[i] as string)) return i + 1;
  const code = text.charCodeAt(end);
  return code >= 0xdc00 && code <= 0xdfff ? end - 1 : end;
}

interface Open {
  level: number;
  section: SectionInput;
  blocks: string[];
}

/**
 * Builds nested sections from a flat run of headings and text blocks, as read from
 * Markdown or HTML. A heading closes every open section of the same or deeper
 * level. Blocks (paragraphs, list items, table rows) are joined by blank lines so
 * the sentence splitter never runs one into the next.
 */
export class OutlineBuilder {
  private readonly roots: SectionInput[] = [];
  private readonly stack: Open[] = [];
  private readonly all: Open[] = [];
  private preamble: Open | undefined;
  firstHeading: string | undefined;

  heading(level: number, title: string): void {
    let text = collapse(title);
    if (!text) return;
    let overflow = "";
    if (text.length > MAX_HEADING_CHARS) {
      const cut = cutPoint(text, 0, MAX_HEADING_CHARS);
      overflow = text.slice(cut);
      text = text.slice(0, cut).trim();
    }
    if (level === 1 && this.firstHeading === undefined) this.firstHeading = text;
    while (this.stack.length && (this.stack.at(-1) as Open).level >= level) this.stack.pop();
    const open: Open = { level, section: { title: text, text: "" }, blocks: [] };
    const parent = this.stack.at(-1);
    if (parent) {
      parent.section.sections ??= [];
      parent.section.sections.push(open.section);
    } else {
      this.roots.push(open.section);
    }
    this.stack.push(open);
    this.all.push(open);
    if (overflow) this.block(overflow);
  }

  block(text: string, { keepLines = false } = {}): void {
    // Trimmed by hand: /[ \t]+$/ and /\n+$/ retry at every character of a long run.
    const clean = keepLines
      ? trimNewlines(
          text
            .split("\n")
            .map((l) => l.slice(0, endOfText(l)))
            .join("\n"),
        )
      : collapse(text);
    if (!/\S/.test(clean)) return;
    const target = this.stack.at(-1) ?? this.startPreamble();
    for (const piece of splitLong(clean)) {
      const kept = keepLines ? trimNewlines(piece) : piece.trim();
      if (/\S/.test(kept)) target.blocks.push(kept);
    }
  }

  build(): SectionInput[] {
    for (const open of this.all) open.section.text = open.blocks.join("\n\n");
    const keep = (s: SectionInput): boolean => {
      if (s.sections) s.sections = s.sections.filter(keep);
      return !isLinkList(s);
    };
    return this.roots.filter(keep);
  }

  private startPreamble(): Open {
    if (!this.preamble) {
      this.preamble = { level: 0, section: { text: "" }, blocks: [] };
      this.roots.unshift(this.preamble.section);
      this.all.push(this.preamble);
    }
    return this.preamble;
  }
}

const RELATED =
  /^(?:related(?:\s+(?:articles?|topics?|pages?|links?|reading))?|see\s+also|further\s+reading|more\s+(?:help|articles))$/i;

/**
 * A "Related articles" / "See also" section that only lists other pages' titles: site
 * navigation, not content. Indexed, it matches every question about those other pages.
 */
function isLinkList(s: SectionInput): boolean {
  if (!RELATED.test(s.title?.trim() ?? "") || s.sections?.length) return false;
  const blocks = s.text.split(/\n\n/).filter((b) => b.trim());
  return blocks.every((b) => b.length <= 100 && !/[.!?]\s+\S/.test(b));
}

/** The length of `line` without trailing spaces and tabs. */
function endOfText(line: string): number {
  let end = line.length;
  while (end > 0 && (line[end - 1] === " " || line[end - 1] === "\t")) end--;
  return end;
}

function trimNewlines(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && s[a] === "\n") a++;
  while (b > a && s[b - 1] === "\n") b--;
  return s.slice(a, b);
}

/** Collapses runs of whitespace (including newlines) to single spaces. */
export const collapse = (s: string) => s.replace(/\s+/g, " ").trim();
