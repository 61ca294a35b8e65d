/**
 * What a user's regular expression costs RE2 per character of text, read from the
 * pattern alone. RE2 is linear in the text, but each character costs up to one step
 * per instruction of the compiled program, and a counted repetition copies its operand:
 * `.{0,999}` compiles to about 2,000 instructions, so a few million characters take
 * billions of steps. The estimate follows RE2's compiler (a repetition `x{n,m}` is `n`
 * copies of `x` and `m - n` optional ones, a capture adds 2, `|` adds 1 per branch) and
 * stays within a few instructions of re2js's `programSize()`.
 *
 * Pure and import-free: one rule for the engine's list filters and the staff console
 * (lib/chat imports it from here, as it may import the engine core's pure functions).
 */

/** The largest count a repetition may have: `{n}`, `{n,}` and `{n,m}` (m) up to this. */
export const MAX_REPEAT = 100;

/** The largest program (instructions, estimated) a pattern may compile to. */
export const MAX_PROGRAM_SIZE = 1000;

export interface RegexCostProblem {
  /** 1-based position in the pattern, in code points, of the repetition at fault. */
  position: number;
  /** What is wrong, naming the position: fit for a field error. */
  message: string;
}

interface Repetition {
  at: number;
  text: string;
  growth: number;
}

/** The estimated program size of `pattern`; validity is RE2's to judge, this never throws. */
export function estimateProgramSize(pattern: string): number {
  return analyse(pattern).size;
}

/**
 * Why `pattern` is too costly to match, or undefined when it is cheap enough: a
 * repetition count above MAX_REPEAT, or a program larger than MAX_PROGRAM_SIZE
 * (blamed on the repetition that makes it so, else on the one that adds most).
 */
export function regexCostProblem(pattern: string): RegexCostProblem | undefined {
  const { size, problem, largest } = analyse(pattern);
  if (problem) return problem;
  if (size <= MAX_PROGRAM_SIZE) return undefined;
  const at = largest?.at ?? 0;
  const position = positionOf(pattern, at);
  const what = largest ? `the repetition ${largest.text} at position ${position}` : "the pattern";
  return {
    position,
    message: `is too costly to match: it expands to about ${size} instructions per character (at most ${MAX_PROGRAM_SIZE}); ${what} adds the most`,
  };
}

/** 1-based position in code points of the UTF-16 offset `at`. */
function positionOf(pattern: string, at: number): number {
  let position = 1;
  for (let k = 0; k < at; k++) {
    const unit = pattern.charCodeAt(k);
    // A high surrogate followed by a low one is one code point: count it at the low one.
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = pattern.charCodeAt(k + 1);
      if (next >= 0xdc00 && next <= 0xdfff && k + 1 < at) continue;
    }
    position++;
  }
  return position;
}

function analyse(pattern: string): {
  size: number;
  problem?: RegexCostProblem;
  largest?: Repetition;
} {
  let i = 0;
  let problem: RegexCostProblem | undefined;
  let largest: Repetition | undefined;

  const digits = (): string => {
    const from = i;
    while (i < pattern.length && pattern.charCodeAt(i) >= 48 && pattern.charCodeAt(i) <= 57) i++;
    return pattern.slice(from, i);
  };

  /** `\x`, `\pL`, `\p{Greek}`, `\x{41}`, `\123`: moves past one escape (at its backslash). */
  const skipEscape = () => {
    i++;
    const c = pattern[i];
    i++;
    if ((c === "p" || c === "P" || c === "x") && pattern[i] === "{") {
      const close = pattern.indexOf("}", i);
      i = close < 0 ? pattern.length : close + 1;
    } else if (c === "p" || c === "P") {
      i++;
    } else if (c === "x") {
      i += 2;
    } else if (c !== undefined && c >= "0" && c <= "7") {
      for (let k = 0; k < 2 && pattern.charCodeAt(i) >= 48 && pattern.charCodeAt(i) <= 55; k++) i++;
    }
  };

  /** A bracketed class, from its `[` to past its `]`: one instruction. */
  const skipClass = () => {
    i++;
    if (pattern[i] === "^") i++;
    if (pattern[i] === "]") i++;
    while (i < pattern.length && pattern[i] !== "]") {
      if (pattern[i] === "[" && pattern[i + 1] === ":") {
        const close = pattern.indexOf(":]", i + 2);
        i = close < 0 ? i + 1 : close + 2;
      } else if (pattern[i] === "\\") {
        skipEscape();
      } else {
        i++;
      }
    }
    i++;
  };

  /** The size after a quantifier at `i` applies to an operand of `size`; undefined if none. */
  const quantify = (size: number): number | undefined => {
    const c = pattern[i];
    if (c === "*" || c === "+" || c === "?") {
      i++;
      if (pattern[i] === "?") i++;
      return size + 1;
    }
    if (c !== "{") return undefined;
    const at = i;
    i++;
    const low = digits();
    let high = low;
    if (low !== "" && pattern[i] === ",") {
      i++;
      high = digits();
      if (high === "") high = "∞";
    }
    if (low === "" || pattern[i] !== "}") {
      i = at;
      return undefined;
    }
    i++;
    const text = pattern.slice(at, i);
    if (pattern[i] === "?") i++;
    const n = Math.min(Number(low), 1e6);
    const m = high === "∞" ? Number.POSITIVE_INFINITY : Math.min(Number(high), 1e6);
    const count = Number.isFinite(m) ? m : n;
    if (count > MAX_REPEAT && !problem) {
      problem = {
        position: positionOf(pattern, at),
        message: `is too costly to match: the repetition ${text} at position ${positionOf(pattern, at)} allows more than ${MAX_REPEAT} repeats`,
      };
    }
    const result = Number.isFinite(m) ? n * size + (m - n) * (size + 1) : n * size + 1;
    const growth = result - size;
    if (!largest || growth > largest.growth) largest = { at, text, growth };
    if (result > MAX_PROGRAM_SIZE && !problem) {
      problem = {
        position: positionOf(pattern, at),
        message: `is too costly to match: the repetition ${text} at position ${positionOf(pattern, at)} expands it to about ${result} instructions per character (at most ${MAX_PROGRAM_SIZE})`,
      };
    }
    return result;
  };

  /** One operand: its size, split as what precedes its last piece and that last piece. */
  const operand = (): { before: number; last: number } => {
    const c = pattern[i];
    if (c === "(") {
      i++;
      let capture = true;
      if (pattern[i] === "?") {
        capture = false;
        i++;
        if (pattern[i] === "P" && pattern[i + 1] === "<") i++;
        if (pattern[i] === "<" && pattern[i + 1] !== "=" && pattern[i + 1] !== "!") {
          const close = pattern.indexOf(">", i);
          i = close < 0 ? pattern.length : close + 1;
          capture = true;
        } else {
          // Flags (`(?i)`, `(?i-s:`), a non-capturing group `(?:`, or a lookbehind `(?<=`.
          while (i < pattern.length && pattern[i] !== ":" && pattern[i] !== ")") {
            if (pattern[i] === "<" && (pattern[i + 1] === "=" || pattern[i + 1] === "!")) {
              i += 2;
              break;
            }
            i++;
          }
          if (pattern[i] === ")") {
            i++;
            return { before: 0, last: 0 };
          }
          if (pattern[i] === ":") i++;
        }
      }
      const inner = alternation();
      if (pattern[i] === ")") i++;
      return { before: 0, last: inner + (capture ? 2 : 0) };
    }
    if (c === "[") {
      skipClass();
      return { before: 0, last: 1 };
    }
    if (c === "\\" && pattern[i + 1] === "Q") {
      i += 2;
      const end = pattern.indexOf("\\E", i);
      const literal = pattern.slice(i, end < 0 ? pattern.length : end);
      i = end < 0 ? pattern.length : end + 2;
      return literal.length === 0
        ? { before: 0, last: 0 }
        : { before: literal.length - 1, last: 1 };
    }
    if (c === "\\") {
      skipEscape();
      return { before: 0, last: 1 };
    }
    i++;
    return { before: 0, last: 1 };
  };

  const concatenation = (): number => {
    let size = 0;
    while (i < pattern.length && pattern[i] !== "|" && pattern[i] !== ")") {
      const { before, last } = operand();
      let piece = last;
      for (let next = quantify(piece); next !== undefined; next = quantify(piece)) piece = next;
      size += before + piece;
    }
    return size;
  };

  const alternation = (): number => {
    let size = concatenation();
    while (pattern[i] === "|") {
      i++;
      size += concatenation() + 1;
    }
    return size;
  };

  let size = 0;
  while (i < pattern.length) {
    size += alternation();
    // An unbalanced `)` is RE2's to refuse; here it is skipped.
    if (pattern[i] === ")") i++;
  }
  return { size, problem, largest };
}
