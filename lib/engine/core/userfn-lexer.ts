import { quote } from "./filter/diagnostics";
import { UserFnError } from "./userfn-values";

/**
 * The user-function lexer: numbers, 'strings' (with '' for a quote), names and
 * operators (`===`/`!==` read as `==`/`!=`). Anything else is a Syntax error at
 * its offset.
 */
export type Token =
  | { type: "num"; at: number; value: number }
  | { type: "str"; at: number; value: string }
  | { type: "id"; at: number; value: string }
  | { type: "op"; at: number; value: string }
  | { type: "end"; at: number };

const OPERATORS = [
  "===",
  "!==",
  "==",
  "!=",
  "<=",
  ">=",
  "&&",
  "||",
  "<",
  ">",
  "+",
  "-",
  "*",
  "/",
  "%",
  "!",
  "?",
  ":",
  "(",
  ")",
  ",",
];

export function lex(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i] as string;
    if (/\s/u.test(c)) {
      i++;
      continue;
    }
    const num = /^(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/.exec(src.slice(i, i + 400));
    if (num) {
      out.push({ type: "num", at: i, value: Number(num[0]) });
      i += num[0].length;
      if (/[A-Za-z_]/.test(src[i] ?? "")) {
        throw new UserFnError(
          "Syntax error",
          i,
          `unexpected '${quote(src.slice(i, i + 10))}' after a number`,
        );
      }
      continue;
    }
    if (c === "'") {
      let value = "";
      let j = i + 1;
      for (;;) {
        if (j >= src.length) throw new UserFnError("Syntax error", i, "unterminated string");
        if (src[j] === "'") {
          if (src[j + 1] === "'") {
            value += "'";
            j += 2;
            continue;
          }
          break;
        }
        value += src[j];
        j++;
      }
      out.push({ type: "str", at: i, value });
      i = j + 1;
      continue;
    }
    const id = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i, i + 200));
    if (id) {
      out.push({ type: "id", at: i, value: id[0] });
      i += id[0].length;
      continue;
    }
    const op = OPERATORS.find((o) => src.startsWith(o, i));
    if (op) {
      out.push({ type: "op", at: i, value: op === "===" ? "==" : op === "!==" ? "!=" : op });
      i += op.length;
      continue;
    }
    throw new UserFnError("Syntax error", i, `unexpected character '${quote(c)}'`);
  }
  out.push({ type: "end", at: src.length });
  return out;
}

export const describeToken = (t: Token) =>
  t.type === "end"
    ? "the end of the function"
    : t.type === "str"
      ? `'${quote(t.value)}'`
      : `'${quote(String(t.value))}'`;
