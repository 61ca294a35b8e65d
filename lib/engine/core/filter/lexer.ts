import { quote, syntaxError } from "./diagnostics";

/**
 * Tokens of the filter language. Identifiers are ASCII `[A-Za-z_][A-Za-z0-9_]*`;
 * whether one is a keyword (AND, OR, NOT, IN, IS, NULL, TRUE, FALSE — any case)
 * is for the parser to decide, because after `doc.` any identifier is a name.
 */
export type Token =
  | { kind: "ident"; text: string; start: number; end: number }
  /** `"weird name"`, only valid as an attribute name after `doc.` / `part.`. */
  | { kind: "quoted"; value: string; start: number; end: number }
  | { kind: "integer"; value: bigint; start: number; end: number }
  | { kind: "real"; value: number; start: number; end: number }
  | { kind: "text"; value: string; start: number; end: number }
  | { kind: "op"; op: Operator; start: number; end: number }
  | { kind: "punct"; char: "(" | ")" | "," | "."; start: number; end: number }
  | { kind: "eof"; start: number; end: number };

export type Operator =
  | "="
  | "=="
  | "!="
  | "<>"
  | "<"
  | "<="
  | ">"
  | ">="
  | "+"
  | "-"
  | "*"
  | "/"
  | "%";

const TWO_CHAR_OPS = new Set<string>(["==", "!=", "<>", "<=", ">="]);
const ONE_CHAR_OPS = new Set<string>(["=", "<", ">", "+", "-", "*", "/", "%"]);

const isDigit = (c: string | undefined) => c !== undefined && c >= "0" && c <= "9";
const isIdentStart = (c: string | undefined) =>
  c !== undefined && ((c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || c === "_");
const isIdentPart = (c: string | undefined) => isIdentStart(c) || isDigit(c);
// Same set String.prototype.trim removes, so "only whitespace" means "no filter" consistently.
const isSpace = (c: string) => /\s/.test(c);

export function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const c = input[i] as string;
    if (isSpace(c)) {
      i++;
      continue;
    }
    const start = i;
    if (isIdentStart(c)) {
      while (isIdentPart(input[i])) i++;
      tokens.push({ kind: "ident", text: input.slice(start, i), start, end: i });
    } else if (isDigit(c) || (c === "." && isDigit(input[i + 1]))) {
      i = lexNumber(input, start, tokens);
    } else if (c === "'" || c === '"') {
      const [value, end] = lexQuoted(input, start, c);
      tokens.push(
        c === "'" ? { kind: "text", value, start, end } : { kind: "quoted", value, start, end },
      );
      i = end;
    } else if (TWO_CHAR_OPS.has(input.slice(i, i + 2))) {
      tokens.push({ kind: "op", op: input.slice(i, i + 2) as Operator, start, end: i + 2 });
      i += 2;
    } else if (ONE_CHAR_OPS.has(c)) {
      tokens.push({ kind: "op", op: c as Operator, start, end: i + 1 });
      i++;
    } else if (c === "(" || c === ")" || c === "," || c === ".") {
      tokens.push({ kind: "punct", char: c, start, end: i + 1 });
      i++;
    } else {
      const ch = String.fromCodePoint(input.codePointAt(i) as number);
      const hint = c === "!" ? " (use NOT, or != for inequality)" : "";
      throw syntaxError(start, `unexpected character '${quote(ch)}'${hint}`);
    }
  }
  tokens.push({ kind: "eof", start: input.length, end: input.length });
  return tokens;
}

/** INTEGER is digits; REAL has a '.' or an exponent. Returns the end offset. */
function lexNumber(input: string, start: number, tokens: Token[]): number {
  let i = start;
  let real = false;
  while (isDigit(input[i])) i++;
  if (input[i] === ".") {
    real = true;
    i++;
    while (isDigit(input[i])) i++;
  }
  if (input[i] === "e" || input[i] === "E") {
    real = true;
    i++;
    if (input[i] === "+" || input[i] === "-") i++;
    if (!isDigit(input[i]))
      throw syntaxError(start, `invalid number '${quote(input.slice(start, i + 1))}'`);
    while (isDigit(input[i])) i++;
  }
  if (isIdentPart(input[i]) || input[i] === ".")
    throw syntaxError(start, `invalid number '${quote(input.slice(start, i + 1))}'`);
  const text = input.slice(start, i);
  if (real) {
    const value = Number(text);
    if (!Number.isFinite(value)) throw syntaxError(start, `number ${quote(text)} is out of range`);
    tokens.push({ kind: "real", value, start, end: i });
  } else {
    // Range is checked after the parser folds a leading '-', so -9223372036854775808 is fine.
    tokens.push({ kind: "integer", value: BigInt(text), start, end: i });
  }
  return i;
}

/** A quoted run where a doubled quote stands for one. Returns [value, end offset]. */
function lexQuoted(input: string, start: number, q: "'" | '"'): [string, number] {
  let value = "";
  let i = start + 1;
  for (;;) {
    const close = input.indexOf(q, i);
    if (close < 0)
      throw syntaxError(
        start,
        q === "'" ? "unterminated text literal" : "unterminated quoted attribute name",
      );
    value += input.slice(i, close);
    if (input[close + 1] === q) {
      value += q;
      i = close + 2;
    } else {
      return [value, close + 1];
    }
  }
}
