/**
 * Sentence splitting for indexing. Pure and offset-preserving: every span is a
 * slice of the input (`text === input.slice(start, end)`), trimmed of surrounding
 * whitespace, so parts can report where they came from.
 *
 * Blocks come first: a blank line ends a block, and a line that starts with a list
 * marker (`-`, `*`, `•`, `1.`, `a)`) starts one, so list items and table rows never
 * merge with their neighbours. Inside a block a sentence ends at `.`, `!`, `?` or `…`
 * followed by whitespace and something that can start a sentence (not a lowercase
 * letter), unless the period closes a known abbreviation or an initial; closing quotes
 * and brackets stay with the sentence they close. CJK full stops (`。！？`) end a
 * sentence with no space after them. A period followed by a non-space (3.5,
 * example.com/a.b, e.g.,) never ends one.
 */
export interface Span {
  text: string;
  /** Offset of the first character in the input (UTF-16 code units). */
  start: number;
  /** Offset just past the last character. */
  end: number;
}

const TERMINATORS = new Set([".", "!", "?", "…"]);
const CJK_TERMINATORS = new Set(["。", "！", "？", "｡"]);
const CLOSERS = new Set([
  '"',
  "'",
  "”",
  "’",
  "»",
  ")",
  "]",
  "}",
  "」",
  "』",
  "）",
  "】",
  "〉",
  "》",
]);
/** Characters after which a new sentence cannot start even across a space. */
const CONTINUERS = new Set([",", ";", ":", ")", "]", "}"]);

/** Lowercased, without the final period. Closing a sentence with one of these is rare. */
const ABBREVIATIONS = new Set([
  "mr",
  "mrs",
  "ms",
  "mx",
  "dr",
  "prof",
  "sr",
  "jr",
  "st",
  "mt",
  "ft",
  "gen",
  "col",
  "lt",
  "sgt",
  "capt",
  "rev",
  "hon",
  "vs",
  "v",
  "e.g",
  "eg",
  "i.e",
  "ie",
  "cf",
  "approx",
  "ca",
  "no",
  "nos",
  "nr",
  "vol",
  "fig",
  "figs",
  "p",
  "pp",
  "ed",
  "eds",
  "dept",
  "ave",
  "blvd",
  "rd",
  "ph.d",
  "jan",
  "feb",
  "mar",
  "apr",
  "jun",
  "jul",
  "aug",
  "sep",
  "sept",
  "oct",
  "nov",
  "dec",
]);

const LIST_MARKER = /^[ \t]*(?:[-*+•‣◦▪▫–—]|\d{1,3}[.)]|[a-zA-Z][.)]|[ivxIVX]{1,4}[.)])[ \t]+/;

const isSpace = (c: string | undefined) => c !== undefined && /\s/.test(c);
const isLower = (c: string) => c !== c.toUpperCase() && c === c.toLowerCase();
const isUpper = (c: string) => c !== c.toLowerCase() && c === c.toUpperCase();

export function splitSentences(input: string): Span[] {
  const out: Span[] = [];
  for (const block of splitBlocks(input)) {
    for (const [start, end] of sentenceRanges(input, block.start, block.end, block.bodyStart)) {
      const span = trimmed(input, start, end);
      if (span) out.push(span);
    }
  }
  return out;
}

interface Block {
  start: number;
  end: number;
  /** Where scanning for sentence ends begins: after a leading list marker. */
  bodyStart: number;
}

function splitBlocks(input: string): Block[] {
  const blocks: Block[] = [];
  let current: Block | undefined;
  let pos = 0;
  while (pos <= input.length) {
    const nl = input.indexOf("\n", pos);
    const lineEnd = nl === -1 ? input.length : nl;
    const line = input.slice(pos, lineEnd);
    if (line.trim() === "") {
      if (current) blocks.push(current);
      current = undefined;
    } else {
      const marker = LIST_MARKER.exec(line);
      if (marker && current) {
        blocks.push(current);
        current = undefined;
      }
      if (current) current.end = lineEnd;
      else current = { start: pos, end: lineEnd, bodyStart: pos + (marker?.[0].length ?? 0) };
    }
    if (nl === -1) break;
    pos = nl + 1;
  }
  if (current) blocks.push(current);
  return blocks;
}

function* sentenceRanges(
  s: string,
  start: number,
  end: number,
  bodyStart: number,
): Generator<[number, number]> {
  let sentenceStart = start;
  let i = bodyStart;
  while (i < end) {
    const c = s[i] as string;
    if (CJK_TERMINATORS.has(c)) {
      let j = i + 1;
      while (j < end && (CJK_TERMINATORS.has(s[j] as string) || CLOSERS.has(s[j] as string))) j++;
      yield [sentenceStart, j];
      sentenceStart = j;
      i = j;
      continue;
    }
    if (!TERMINATORS.has(c)) {
      i++;
      continue;
    }
    let j = i;
    while (j < end && TERMINATORS.has(s[j] as string)) j++;
    const run = s.slice(i, j);
    while (j < end && CLOSERS.has(s[j] as string)) j++;
    if (j < end && !isSpace(s[j])) {
      i = j;
      continue;
    }
    let k = j;
    while (k < end && isSpace(s[k])) k++;
    if (k < end && endsSentence(s, i, run, s[k] as string)) {
      yield [sentenceStart, j];
      sentenceStart = k;
    }
    i = k;
  }
  if (sentenceStart < end) yield [sentenceStart, end];
}

/** Whether the terminator run at `at` ends a sentence, given the next visible character. */
function endsSentence(s: string, at: number, run: string, next: string): boolean {
  if (isLower(next) || CONTINUERS.has(next)) return false;
  if (run !== ".") return true;
  const word = wordBefore(s, at);
  if (ABBREVIATIONS.has(word.toLowerCase())) return false;
  // An initial, as in "J. R. Smith".
  if (/^\p{Lu}$/u.test(word) && isUpper(next)) return false;
  return true;
}

/** The letters and inner periods right before `at` ("e.g" in "(e.g."). */
function wordBefore(s: string, at: number): string {
  let b = at;
  while (b > 0 && /[\p{L}.]/u.test(s[b - 1] as string)) b--;
  return s.slice(b, at).replace(/^\.+/, "");
}

function trimmed(s: string, start: number, end: number): Span | undefined {
  let a = start;
  let b = end;
  while (a < b && isSpace(s[a])) a++;
  while (b > a && isSpace(s[b - 1])) b--;
  return a < b ? { text: s.slice(a, b), start: a, end: b } : undefined;
}
