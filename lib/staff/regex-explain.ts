/**
 * RE2's parse errors, said in words a support agent can act on. RE2 (re2js) reports a
 * kind ("missing closing )") and the fragment at fault; each common kind gets a sentence
 * naming the character and its 1-based position, and anything else a generic sentence.
 * Pure: no imports, so tests and any caller can use it.
 */

/** The parts of an RE2JSSyntaxException this needs (its `error` kind and `input`). */
export interface Re2SyntaxError {
  error?: unknown;
  input?: unknown;
}

/** 1-based position in code points of the UTF-16 offset `at`. */
function positionAt(pattern: string, at: number): number {
  return [...pattern.slice(0, at)].length + 1;
}

/** The position of the first `(` that no `)` closes, skipping escapes and classes. */
function unclosedParen(pattern: string): number | undefined {
  const open: number[] = [];
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "\\") {
      i++;
    } else if (c === "[") {
      i = classEnd(pattern, i);
    } else if (c === "(") {
      open.push(i);
    } else if (c === ")") {
      open.pop();
    }
  }
  return open[0];
}

/** The offset of the `]` that ends the class opening at `at` (pattern.length if none). */
function classEnd(pattern: string, at: number): number {
  let i = at + 1;
  if (pattern[i] === "^") i++;
  if (pattern[i] === "]") i++;
  for (; i < pattern.length; i++) {
    if (pattern[i] === "\\") i++;
    else if (pattern[i] === "[" && pattern[i + 1] === ":") {
      const close = pattern.indexOf(":]", i + 2);
      if (close !== -1) i = close + 1;
    } else if (pattern[i] === "]") return i;
  }
  return pattern.length;
}

/** The position of the first `[` whose class never closes. */
function unclosedBracket(pattern: string): number | undefined {
  for (let i = 0; i < pattern.length; i++) {
    if (pattern[i] === "\\") i++;
    else if (pattern[i] === "[") {
      const end = classEnd(pattern, i);
      if (end >= pattern.length) return i;
      i = end;
    }
  }
  return undefined;
}

/** The position of the first `)` with no `(` before it. */
function strayParen(pattern: string): number | undefined {
  let depth = 0;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "\\") i++;
    else if (c === "[") i = classEnd(pattern, i);
    else if (c === "(") depth++;
    else if (c === ")") {
      if (depth === 0) return i;
      depth--;
    }
  }
  return undefined;
}

const REPEAT_OPERATORS = new Set(["*", "+", "?", "{"]);

/**
 * A sentence saying what is wrong with `pattern`, from RE2's error: never RE2's raw
 * message. `error` is what RE2JS.compile threw.
 */
export function explainRegexError(pattern: string, error: Re2SyntaxError): string {
  const kind = typeof error.error === "string" ? error.error : "";
  const input = typeof error.input === "string" ? error.input : "";
  const found = input ? pattern.indexOf(input) : -1;
  const at = (offset: number | undefined) =>
    offset === undefined || offset < 0 ? "" : ` at position ${positionAt(pattern, offset)}`;
  const quoted = (text: string) => `“${text.length > 30 ? `${text.slice(0, 30)}…` : text}”`;

  switch (kind) {
    case "missing closing )":
      return `The pattern has an unclosed parenthesis “(”${at(unclosedParen(pattern))}: close it with “)”, or write \\( to search for a parenthesis.`;
    case "unexpected )":
      return `The pattern has a closing parenthesis “)”${at(strayParen(pattern))} with no “(” before it: remove it, or write \\) to search for a parenthesis.`;
    case "missing closing ]":
      return `The pattern has an unmatched bracket “[”${at(unclosedBracket(pattern))}: close it with “]”, or write \\[ to search for a bracket.`;
    case "missing argument to repetition operator": {
      const op = [...input].find((c) => REPEAT_OPERATORS.has(c)) ?? input;
      return `There is nothing to repeat before “${op}”${at(found)}: put it after a character or a group, or write \\${op} to search for “${op}” itself.`;
    }
    case "invalid nested repetition operator":
      return `The repetition ${quoted(input)}${at(found)} repeats a repetition: use only one of *, + or ? there (RE2 has no possessive forms such as ++).`;
    case "invalid repeat count":
      return `The count ${quoted(input)}${at(found)} is not valid: counts go up to 1000, and in {n,m} n may not be larger than m.`;
    case "invalid escape sequence":
      return input === "\\" || input.length < 2
        ? "The pattern ends with a lone backslash “\\”: write \\\\ to search for a backslash."
        : `${quoted(input)}${at(found)} is not an escape RE2 knows: write the character without the backslash, or \\\\ for a backslash.`;
    case "trailing backslash at end of expression":
      return "The pattern ends with a lone backslash “\\”: write \\\\ to search for a backslash.";
    case "invalid character class range":
      return /^\\[pP]|^\[:/.test(input)
        ? `${quoted(input)}${at(found)} is not a character class RE2 knows (such as \\p{Greek} or [:alpha:]).`
        : `The range ${quoted(input)}${at(found)} is not valid: a range runs from a lower to a higher character, as in a-z.`;
    case "invalid named capture":
      return `The named group ${quoted(input)}${at(found)} is not valid: write (?P<name>…) with a name of letters, digits and underscores.`;
    case "duplicate capture group name":
      return `Two groups are named ${quoted(input)}: give each group its own name.`;
    case "invalid or unsupported Perl syntax":
      return `${quoted(input)}${at(found)} is not supported: RE2 has no lookahead or backreferences, and its flags are i, m, s and U, as in (?i).`;
    case "invalid capture in lookbehind":
      return `The lookbehind ${quoted(input)}${at(found)} contains a capturing group: use (?:…) inside it.`;
    case "expression too large":
    case "expression nests too deeply":
      return "The pattern is too large or nests too deeply for RE2: make it shorter or simpler.";
    default:
      return `The pattern is not a valid regular expression${found >= 0 ? ` (look near position ${positionAt(pattern, found)})` : ""}: check its parentheses, brackets and the characters before *, + and ?.`;
  }
}
