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
    const text = collapse(title);
    if (!text) return;
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
  }

  block(text: string, { keepLines = false } = {}): void {
    const clean = keepLines
      ? text
          .split("\n")
          .map((l) => l.replace(/[ \t]+$/, ""))
          .join("\n")
          .replace(/^\n+|\n+$/g, "")
      : collapse(text);
    if (!clean.trim()) return;
    const target = this.stack.at(-1) ?? this.startPreamble();
    target.blocks.push(clean);
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

/** Collapses runs of whitespace (including newlines) to single spaces. */
export const collapse = (s: string) => s.replace(/\s+/g, " ").trim();
