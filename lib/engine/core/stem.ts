/**
 * The Porter stemmer exactly as SQLite's FTS5 `porter` tokenizer applies it
 * (ext/fts5/fts5_tokenize.c), so the engine can predict the index's terms: to drop
 * query words that stem alike ("reset", "resetting") and to look up a term's
 * document frequency in the vocabulary table. FTS5 works on UTF-8 bytes: tokens
 * shorter than 3 or longer than 64 bytes pass through, and non-ASCII bytes count
 * as consonants. Working on a one-char-per-byte (latin1) view reproduces that.
 */
const MAX_TOKEN_BYTES = 64;

/** Stems already computed (pure, so safe to keep); starts over at 50,000 words. */
const stems = new Map<string, string>();

export function porterStem(token: string): string {
  let stem = stems.get(token);
  if (stem === undefined) {
    if (stems.size >= 50_000) stems.clear();
    stem = stemNow(token);
    stems.set(token, stem);
  }
  return stem;
}

function stemNow(token: string): string {
  const bytes = Buffer.from(token, "utf8");
  if (bytes.length < 3 || bytes.length > MAX_TOKEN_BYTES) return token;
  const stemmed = stemBytes(bytes.toString("latin1"));
  return Buffer.from(stemmed, "latin1").toString("utf8");
}

const isVowel = (c: string, yIsVowel: boolean) =>
  c === "a" || c === "e" || c === "i" || c === "o" || c === "u" || (yIsVowel && c === "y");

/** Skips one (vowels)(consonants) sequence; returns the index after it, or 0. */
function gobbleVC(s: string, start: number, end: number, prevCons: boolean): number {
  let cons = prevCons;
  let i = start;
  for (; i < end; i++) {
    cons = !isVowel(s[i] as string, cons);
    if (!cons) break;
  }
  for (i++; i < end; i++) {
    cons = !isVowel(s[i] as string, cons);
    if (cons) return i + 1;
  }
  return 0;
}

const mGt0 = (s: string, n: number) => gobbleVC(s, 0, n, false) !== 0;
function mGt1(s: string, n: number): boolean {
  const k = gobbleVC(s, 0, n, false);
  return k !== 0 && gobbleVC(s, k, n, true) !== 0;
}
function mEq1(s: string, n: number): boolean {
  const k = gobbleVC(s, 0, n, false);
  return k !== 0 && gobbleVC(s, k, n, true) === 0;
}
/** *o: ends consonant-vowel-consonant, the last not w, x or y. */
function oStar(s: string, n: number): boolean {
  const last = s[n - 1];
  if (last === "w" || last === "x" || last === "y") return false;
  let mask = 0;
  let cons = false;
  for (let i = 0; i < n; i++) {
    cons = !isVowel(s[i] as string, cons);
    mask = ((mask << 1) | (cons ? 1 : 0)) & 0xffff;
  }
  return (mask & 7) === 5;
}
function hasVowel(s: string, n: number): boolean {
  for (let i = 0; i < n; i++) if (isVowel(s[i] as string, i > 0)) return true;
  return false;
}
const mGt1SorT = (s: string, n: number) => (s[n - 1] === "s" || s[n - 1] === "t") && mGt1(s, n);

type Cond = (s: string, n: number) => boolean;
/** [suffix, condition on the stem, replacement]; the first suffix that matches decides. */
type Rule = [string, Cond | null, string];

/**
 * FTS5 switches on the second-to-last letter and tries that case's suffixes in
 * order; the first suffix that matches ends the step whether or not its condition
 * holds. Grouping the rules the same way keeps that behaviour.
 */
const STEP2: Record<string, Rule[]> = {
  a: [
    ["ational", mGt0, "ate"],
    ["tional", mGt0, "tion"],
  ],
  c: [
    ["enci", mGt0, "ence"],
    ["anci", mGt0, "ance"],
  ],
  e: [["izer", mGt0, "ize"]],
  g: [["logi", mGt0, "log"]],
  l: [
    ["bli", mGt0, "ble"],
    ["alli", mGt0, "al"],
    ["entli", mGt0, "ent"],
    ["eli", mGt0, "e"],
    ["ousli", mGt0, "ous"],
  ],
  o: [
    ["ization", mGt0, "ize"],
    ["ation", mGt0, "ate"],
    ["ator", mGt0, "ate"],
  ],
  s: [
    ["alism", mGt0, "al"],
    ["iveness", mGt0, "ive"],
    ["fulness", mGt0, "ful"],
    ["ousness", mGt0, "ous"],
  ],
  t: [
    ["aliti", mGt0, "al"],
    ["iviti", mGt0, "ive"],
    ["biliti", mGt0, "ble"],
  ],
};
const STEP3: Record<string, Rule[]> = {
  a: [["ical", mGt0, "ic"]],
  s: [["ness", mGt0, ""]],
  t: [
    ["icate", mGt0, "ic"],
    ["iciti", mGt0, "ic"],
  ],
  u: [["ful", mGt0, ""]],
  v: [["ative", mGt0, ""]],
  z: [["alize", mGt0, "al"]],
};
const STEP4: Record<string, Rule[]> = {
  a: [["al", mGt1, ""]],
  c: [
    ["ance", mGt1, ""],
    ["ence", mGt1, ""],
  ],
  e: [["er", mGt1, ""]],
  i: [["ic", mGt1, ""]],
  l: [
    ["able", mGt1, ""],
    ["ible", mGt1, ""],
  ],
  n: [
    ["ant", mGt1, ""],
    ["ement", mGt1, ""],
    ["ment", mGt1, ""],
    ["ent", mGt1, ""],
  ],
  o: [
    ["ion", mGt1SorT, ""],
    ["ou", mGt1, ""],
  ],
  s: [["ism", mGt1, ""]],
  t: [
    ["ate", mGt1, ""],
    ["iti", mGt1, ""],
  ],
  u: [["ous", mGt1, ""]],
  v: [["ive", mGt1, ""]],
  z: [["ize", mGt1, ""]],
};

/** Applies one step; returns the new word and whether a rule fired. */
function applyStep(word: string, table: Record<string, Rule[]>): [string, boolean] {
  const rules = table[word[word.length - 2] ?? ""];
  if (!rules) return [word, false];
  for (const [suffix, cond, out] of rules) {
    if (word.length > suffix.length && word.endsWith(suffix)) {
      const n = word.length - suffix.length;
      if (cond === null || cond(word, n)) return [word.slice(0, n) + out, true];
      return [word, false];
    }
  }
  return [word, false];
}

function step1a(w: string): string {
  const n = w.length;
  if (w[n - 1] !== "s") return w;
  if (w[n - 2] === "e") {
    if ((n > 4 && w[n - 4] === "s" && w[n - 3] === "s") || (n > 3 && w[n - 3] === "i")) {
      return w.slice(0, n - 2);
    }
    return w.slice(0, n - 1);
  }
  if (w[n - 2] !== "s") return w.slice(0, n - 1);
  return w;
}

/** Step 1b; true when "ed" or "ing" was removed (so step 1b2 runs). */
function step1b(w: string): [string, boolean] {
  const n = w.length;
  const c = w[n - 2];
  if (c === "e") {
    if (n > 3 && w.endsWith("eed")) return [mGt0(w, n - 3) ? w.slice(0, n - 1) : w, false];
    if (n > 2 && w.endsWith("ed"))
      return hasVowel(w, n - 2) ? [w.slice(0, n - 2), true] : [w, false];
  } else if (c === "n") {
    if (n > 3 && w.endsWith("ing"))
      return hasVowel(w, n - 3) ? [w.slice(0, n - 3), true] : [w, false];
  }
  return [w, false];
}

const STEP1B2: Rule[] = [
  ["at", null, "ate"],
  ["bl", null, "ble"],
  ["iz", null, "ize"],
];

function stemBytes(input: string): string {
  let w = step1a(input);
  const [afterB, removed] = step1b(w);
  w = afterB;
  if (removed) {
    const key = w[w.length - 2];
    const rule = STEP1B2.find(([suffix]) => suffix[0] === key);
    if (rule && w.length > 2 && w.endsWith(rule[0])) {
      w = w.slice(0, w.length - 2) + rule[2];
    } else {
      const c = w[w.length - 1] as string;
      if (!isVowel(c, false) && c !== "l" && c !== "s" && c !== "z" && c === w[w.length - 2]) {
        w = w.slice(0, -1);
      } else if (mEq1(w, w.length) && oStar(w, w.length)) {
        w = `${w}e`;
      }
    }
  }
  // Step 1c.
  if (w[w.length - 1] === "y" && hasVowel(w, w.length - 1)) w = `${w.slice(0, -1)}i`;
  w = applyStep(w, STEP2)[0];
  w = applyStep(w, STEP3)[0];
  w = applyStep(w, STEP4)[0];
  // Step 5a.
  if (w[w.length - 1] === "e") {
    const n = w.length - 1;
    if (mGt1(w, n) || (mEq1(w, n) && !oStar(w, n))) w = w.slice(0, n);
  }
  // Step 5b.
  if (w.length > 1 && w.endsWith("ll") && mGt1(w, w.length - 1)) w = w.slice(0, -1);
  return w;
}
