/**
 * Filter errors are raised internally as FilterError (kind + offset) and turned
 * into the engine's 400 (`errors.field`) at the public entry points, so the
 * lexer, parser and checker need not know which request field they serve.
 */
export type FilterErrorKind = "Syntax error" | "Type error" | "Attribute error";

export class FilterError extends Error {
  override name = "FilterError";
  constructor(
    readonly kind: FilterErrorKind,
    readonly offset: number,
    readonly detail: string,
  ) {
    super(`${kind} at offset ${offset}: ${detail}`);
  }
}

export const syntaxError = (offset: number, detail: string) =>
  new FilterError("Syntax error", offset, detail);
export const typeError = (offset: number, detail: string) =>
  new FilterError("Type error", offset, detail);
export const attributeError = (offset: number, detail: string) =>
  new FilterError("Attribute error", offset, detail);

/** 1-based `line:column` of a UTF-16 offset; columns count code points. */
export function locate(input: string, offset: number): string {
  const before = input.slice(0, Math.min(offset, input.length));
  const lineStart = before.lastIndexOf("\n") + 1;
  let line = 1;
  for (let i = 0; i < lineStart; i++) if (before.charCodeAt(i) === 10) line++;
  let column = 1;
  for (const _ of before.slice(lineStart)) column++;
  return `${line}:${column}`;
}

/** "Syntax error at 1:14: expected ')'" */
export function formatFilterError(input: string, error: FilterError): string {
  return `${error.kind} at ${locate(input, error.offset)}: ${error.detail}`;
}

/** Quotes a piece of the user's filter for a message: short and printable. */
export function quote(text: string, max = 40): string {
  const chars: string[] = [];
  for (const c of text) {
    if (chars.length === max) {
      chars[max - 1] = "…";
      break;
    }
    const code = c.codePointAt(0) as number;
    // Control characters would garble a message: show them escaped.
    chars.push(
      code < 0x20 || (code >= 0x7f && code < 0xa0) ? `\\u${code.toString(16).padStart(4, "0")}` : c,
    );
  }
  return chars.join("");
}
