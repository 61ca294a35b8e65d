import { collapse } from "./outline";

/**
 * Inline Markdown to the words a reader sees, in time linear in the text. It keeps
 * the exact output of the regular expressions it replaces (the reference versions
 * live in test/engine/hostile-input.test.ts, which checks the two agree on random
 * input), applied one after the other:
 *
 *   code spans  /(`+[^`]*?`+)/ (kept verbatim, markers trimmed)
 *   images      /!\[([^\]]*)\]\([^)]*\)/  /!\[([^\]]*)\]\[[^\]]*\]/          → alt
 *   links       /\[([^\]]+)\]\([^)]*\)/   /\[([^\]]+)\]\[[^\]]*\]/           → text
 *   autolinks   /<((?:https?|mailto|ftp):[^>\s]+)>/i                        → URL
 *   breaks      /<br\s*\/?>/i → " "; tags /<\/?[A-Za-z][^>]*>/ → ""
 *   strong      /(\*\*|__)(?=\S)(.+?)(?<=\S)\1/                             → text
 *   emphasis    /(^|[^\p{L}\p{N}_*])\*(?=\S)(.+?)(?<=\S)\*(?![\p{L}\p{N}*])/u
 *               /(^|[^\p{L}\p{N}_])_(?=\S)(.+?)(?<=\S)_(?![\p{L}\p{N}_])/u
 *   strike      /~~(?=\S)(.+?)(?<=\S)~~/
 *   escapes     /\\([!-/:-@[-`{-~])/ → the character; then HTML entities.
 *
 * Those expressions backtrack: an opener with no closer ("**a " repeated, "[a](" or
 * "<a " repeated) made each opener scan the rest of the line, so a 160 KB line took
 * tens of seconds. Here every "find the next closer" search goes through a `Finder`,
 * which remembers its last answer: the openers are visited left to right, so the
 * queries only move forward and each pass reads the text a bounded number of times.
 */
export function inline(text: string): string {
  if (!/[`[\]<>*_~\\&]/.test(text)) return collapse(text);
  const out: string[] = [];
  const pieces = splitCodeSpans(text);
  for (let i = 0; i < pieces.length; i++) {
    const piece = pieces[i] as string;
    out.push(i % 2 === 1 ? stripTicks(piece).trim() : plain(piece));
  }
  return collapse(out.join(""));
}

/**
 * The first position at or after `from` where `matches` holds. Correct for any
 * queries; for queries that never move backwards it remembers its last answer, so
 * every position is tested at most once over all of them.
 */
class Finder {
  private from = -1;
  private found = -1;

  constructor(
    /** The next candidate at or after `from` (a cheap indexOf), or -1. */
    private readonly candidate: (from: number) => number,
    private readonly matches: (at: number) => boolean = () => true,
  ) {}

  next(from: number): number {
    if (this.from !== -1 && from >= this.from && (this.found === -1 || this.found >= from)) {
      return this.found;
    }
    let at = this.candidate(from);
    while (at !== -1 && !this.matches(at)) at = this.candidate(at + 1);
    this.from = from;
    this.found = at;
    return at;
  }
}

const charFinder = (s: string, c: string, matches?: (at: number) => boolean) =>
  new Finder((from) => s.indexOf(c, from), matches);

/** Where `.` (any character but a line terminator) stops matching. */
function lineEndFinder(s: string): Finder {
  const re = /[\n\r\u2028\u2029]/g;
  return new Finder((from) => {
    re.lastIndex = from;
    return re.exec(s)?.index ?? -1;
  });
}

/** JavaScript's `\s`. */
const isSpace = (c: string | undefined) => c !== undefined && /\s/.test(c);

/** Like `text.split(/(`+[^`]*?`+)/)`: plain text and code spans, alternating. */
function splitCodeSpans(s: string): string[] {
  const pieces: string[] = [];
  let last = 0;
  let at = s.indexOf("`");
  while (at !== -1) {
    let runEnd = at;
    while (s[runEnd] === "`") runEnd++;
    const next = s.indexOf("`", runEnd);
    let end: number;
    if (next !== -1) {
      end = next;
      while (s[end] === "`") end++;
    } else if (runEnd - at >= 2) {
      end = runEnd; // a run with no closer closes itself: "``" is an empty span
    } else {
      break; // a lone backtick with none after it is text
    }
    pieces.push(s.slice(last, at), s.slice(at, end));
    last = end;
    at = s.indexOf("`", end);
  }
  pieces.push(s.slice(last));
  return pieces;
}

/** `piece.replace(/^`+|`+$/g, "")`. */
function stripTicks(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && s[a] === "`") a++;
  while (b > a && s[b - 1] === "`") b--;
  return s.slice(a, b);
}

function plain(s: string): string {
  let t = bracketed(s, true, "(");
  t = bracketed(t, true, "[");
  t = bracketed(t, false, "(");
  t = bracketed(t, false, "[");
  t = autolinks(t);
  t = t.replace(/<br\s*\/?>/gi, " ");
  t = tags(t);
  t = strong(t, ["**", "__"]);
  t = emphasis(t, "*", EXCLUDED_STAR_PREFIX, EXCLUDED_STAR_AFTER);
  t = emphasis(t, "_", EXCLUDED_UNDERSCORE, EXCLUDED_UNDERSCORE);
  t = strong(t, ["~~"]);
  return decodeEntities(t.replace(/\\([!-/:-@[-`{-~])/g, "$1"));
}

/**
 * Images (`bang`) or links, inline (`(`) or by reference (`[`): `![alt](url)`,
 * `![alt][ref]`, `[text](url)`, `[text][ref]` become their text. The text runs to the
 * first `]` (and is not empty for a link), the target to the first closer after it.
 */
function bracketed(s: string, bang: boolean, open: "(" | "["): string {
  const opener = bang ? "![" : "[";
  let at = s.indexOf(opener);
  if (at === -1) return s;
  const textEnds = charFinder(s, "]");
  const targetEnds = charFinder(s, open === "(" ? ")" : "]");
  const out: string[] = [];
  let last = 0;
  while (at !== -1) {
    const textStart = at + opener.length;
    const textEnd = textEnds.next(textStart);
    if (textEnd === -1) break; // no "]" left: nothing further can match
    if ((bang || textEnd > textStart) && s[textEnd + 1] === open) {
      const end = targetEnds.next(textEnd + 2);
      if (end === -1) break; // any later match would need a closer after this one
      out.push(s.slice(last, at), s.slice(textStart, textEnd));
      last = end + 1;
      at = s.indexOf(opener, last);
      continue;
    }
    at = s.indexOf(opener, at + 1);
  }
  out.push(s.slice(last));
  return out.join("");
}

const SCHEME = /(?:https?|mailto|ftp):/iy;

/** `<https://x.io>` → `https://x.io`: the URL runs to the first `>` or space, and must be. */
function autolinks(s: string): string {
  let at = s.indexOf("<");
  if (at === -1) return s;
  const stops = new Finder((from) => {
    for (let i = from; i < s.length; i++) if (s[i] === ">" || isSpace(s[i])) return i;
    return -1;
  });
  const out: string[] = [];
  let last = 0;
  while (at !== -1) {
    SCHEME.lastIndex = at + 1;
    if (SCHEME.test(s)) {
      const urlStart = SCHEME.lastIndex;
      const stop = stops.next(urlStart);
      if (stop === -1) break;
      if (s[stop] === ">" && stop > urlStart) {
        out.push(s.slice(last, at), s.slice(at + 1, stop));
        last = stop + 1;
        at = s.indexOf("<", last);
        continue;
      }
    }
    at = s.indexOf("<", at + 1);
  }
  out.push(s.slice(last));
  return out.join("");
}

/** Removes `<tag …>` and `</tag>`: a letter after `<` (or `</`), then up to the first `>`. */
function tags(s: string): string {
  let at = s.indexOf("<");
  if (at === -1) return s;
  const ends = charFinder(s, ">");
  const out: string[] = [];
  let last = 0;
  while (at !== -1) {
    const name = s[at + 1] === "/" ? at + 2 : at + 1;
    if (/[A-Za-z]/.test(s[name] ?? "")) {
      const end = ends.next(name + 1);
      if (end === -1) break;
      out.push(s.slice(last, at));
      last = end + 1;
      at = s.indexOf("<", last);
      continue;
    }
    at = s.indexOf("<", at + 1);
  }
  out.push(s.slice(last));
  return out.join("");
}

/**
 * Two-character delimiters (`**`, `__`, `~~`) around text that neither starts nor ends
 * with a space and stays on one line; the closer is the first one that fits.
 */
function strong(s: string, delimiters: string[]): string {
  if (!delimiters.some((d) => s.includes(d))) return s;
  const openers = delimiters.map((d) => charFinder(s, d));
  const closers = delimiters.map((d) => charFinder(s, d, (at) => !isSpace(s[at - 1])));
  const nextOpener = (from: number) => {
    let best = -1;
    for (const f of openers) {
      const i = f.next(from);
      if (i !== -1 && (best === -1 || i < best)) best = i;
    }
    return best;
  };
  const lineEnds = lineEndFinder(s);
  const out: string[] = [];
  let last = 0;
  let at = nextOpener(0);
  while (at !== -1) {
    const which = delimiters.indexOf(s.slice(at, at + 2));
    const contentStart = at + 2;
    const c = s[contentStart];
    if (c !== undefined && !isSpace(c)) {
      const end = (closers[which] as Finder).next(contentStart + 1);
      const lineEnd = lineEnds.next(contentStart);
      if (end !== -1 && (lineEnd === -1 || end <= lineEnd)) {
        out.push(s.slice(last, at), s.slice(contentStart, end));
        last = end + 2;
        at = nextOpener(last);
        continue;
      }
    }
    at = nextOpener(at + 1);
  }
  out.push(s.slice(last));
  return out.join("");
}

const LETTER_OR_DIGIT = /^[\p{L}\p{N}]$/u;
const EXCLUDED_STAR_PREFIX = (cp: string) => cp === "_" || cp === "*" || LETTER_OR_DIGIT.test(cp);
const EXCLUDED_STAR_AFTER = (cp: string) => cp === "*" || LETTER_OR_DIGIT.test(cp);
const EXCLUDED_UNDERSCORE = (cp: string) => cp === "_" || LETTER_OR_DIGIT.test(cp);

/** The code point that ends just before `i` and where it starts. */
function codePointBefore(s: string, i: number): { cp: string; start: number } {
  const low = s.charCodeAt(i - 1);
  const high = s.charCodeAt(i - 2);
  if (low >= 0xdc00 && low <= 0xdfff && high >= 0xd800 && high <= 0xdbff) {
    return { cp: s.slice(i - 2, i), start: i - 2 };
  }
  return { cp: s.slice(i - 1, i), start: i - 1 };
}

function codePointAt(s: string, i: number): string {
  const cp = s.codePointAt(i);
  return cp === undefined ? "" : String.fromCodePoint(cp);
}

/**
 * Single-character emphasis (`*a*`, `_a_`): the marker follows the start of the text
 * or a character `excludedPrefix` allows (which stays), the text neither starts nor
 * ends with a space and stays on one line, and the closer is the first marker not
 * followed by a character `excludedAfter` rejects.
 */
function emphasis(
  s: string,
  marker: "*" | "_",
  excludedPrefix: (cp: string) => boolean,
  excludedAfter: (cp: string) => boolean,
): string {
  let k = s.indexOf(marker);
  if (k === -1) return s;
  const closers = charFinder(s, marker, (e) => {
    if (isSpace(s[e - 1])) return false;
    const after = codePointAt(s, e + 1);
    return after === "" || !excludedAfter(after);
  });
  const lineEnds = lineEndFinder(s);
  const out: string[] = [];
  let last = 0;
  /** Where the expression would resume: a match consumes its prefix character. */
  let pos = 0;
  while (k !== -1) {
    let ok: boolean;
    if (k === 0) ok = true;
    else {
      const before = codePointBefore(s, k);
      ok = before.start >= pos && !excludedPrefix(before.cp);
    }
    const c = s[k + 1];
    if (ok && c !== undefined && !isSpace(c)) {
      const end = closers.next(k + 2);
      const lineEnd = lineEnds.next(k + 1);
      if (end !== -1 && (lineEnd === -1 || end <= lineEnd)) {
        out.push(s.slice(last, k), s.slice(k + 1, end));
        last = end + 1;
        pos = last;
        k = s.indexOf(marker, last);
        continue;
      }
    }
    k = s.indexOf(marker, k + 1);
  }
  out.push(s.slice(last));
  return out.join("");
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

/** Character references; linear as written (each `&` reads at most its own letter run). */
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
