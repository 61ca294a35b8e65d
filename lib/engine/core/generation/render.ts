import type { AnswerSentence } from "./extractive";

/**
 * An extractive answer as Markdown, and as plain text for scoring. Sentences read as
 * one paragraph, each cited before its final punctuation ("… five days [1]."); a run
 * of numbered items stays a numbered list, one item a line; a table row of two cells
 * reads as "cell: cell", and rows of three or more cells become a small table (rows
 * of one table together, under its headers).
 */
export function renderAnswer(
  sentences: AnswerSentence[],
  cite: (result: number) => string,
): { styled: string; plain: string } {
  const blocks: string[] = [];
  const plain: string[] = [];
  let prose: string[] = [];
  let items: string[] = [];
  let table: { headers: string[]; rows: string[] } | undefined;
  const flushProse = () => {
    if (prose.length) blocks.push(prose.join(" "));
    prose = [];
  };
  const flushItems = () => {
    if (items.length) blocks.push(items.join("\n"));
    items = [];
  };
  const flushTable = () => {
    if (table) {
      const header = `| ${table.headers.map(cell).join(" | ")} |`;
      const rule = `|${table.headers.map(() => "---").join("|")}|`;
      blocks.push([header, rule, ...table.rows].join("\n"));
    }
    table = undefined;
  };
  const flush = () => {
    flushProse();
    flushItems();
    flushTable();
  };

  for (const s of sentences) {
    const c = cite(s.result);
    if (s.row && s.row.cells.length >= 3) {
      const same = table && table.headers.join("\u0000") === s.row.headers.join("\u0000");
      if (!same) flush();
      table ??= { headers: s.row.headers, rows: [] };
      const cells = s.row.cells.map(cell);
      cells[cells.length - 1] = `${cells.at(-1) ?? ""}${c}`;
      table.rows.push(`| ${cells.join(" | ")} |`);
      plain.push(s.row.cells.join(" "));
      continue;
    }
    if (s.row) {
      flushItems();
      flushTable();
      const [first, second = ""] = s.row.cells;
      const sentence = `${first}: ${second}`;
      prose.push(withCitation(/[.!?…]$/.test(sentence) ? sentence : `${sentence}.`, c));
      plain.push(sentence);
      continue;
    }
    if (s.item !== undefined) {
      flushProse();
      flushTable();
      items.push(`${s.item}. ${withCitation(s.text, c)}`);
      plain.push(s.text);
      continue;
    }
    if (s.continuesItem && items.length > 0) {
      items[items.length - 1] += ` ${withCitation(s.text, c)}`;
      plain.push(s.text);
      continue;
    }
    flushItems();
    flushTable();
    prose.push(withCitation(s.text, c));
    plain.push(s.text);
  }
  flush();
  return { styled: blocks.join("\n\n"), plain: plain.join(" ") };
}

/** A table cell's text, with the characters that would break the table escaped. */
const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\n/g, " ");

/**
 * "Refunds take five days." + " [1]" → "Refunds take five days [1]." A final `?` keeps
 * its citation after it: it may close a button's name ("click Forgot password? [1]").
 */
export function withCitation(sentence: string, citation: string): string {
  const m = /[.!。！]+["'”’)\]]*$/.exec(sentence);
  if (!m) return sentence + citation;
  return sentence.slice(0, m.index) + citation + m[0];
}
