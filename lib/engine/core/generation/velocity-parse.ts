/**
 * A small Apache Velocity subset for prompt templates (notes §8.1), parsed and
 * interpreted by hand (never `eval`). Supported: `$x`, `$!x`, `${x}`, `$!{x}`,
 * property and method chains (`$r.getText()`, `$r.docMetadata().get("k")`,
 * `$foreach.index`), indexing (`$list[$i]`), `#set`, `#if/#elseif/#else/#end`,
 * `#foreach ($x in $list) … #end` with `$foreach.index/.count/.first/.last/.hasNext`,
 * `##` and `#* *#` comments, and expressions with `+ - * / %`, comparisons, `&& || !`
 * (and `and or not eq ne lt gt le ge`). Any other `#word` is an error, as is a
 * malformed directive. An unresolved reference renders as written (`$!x`: empty),
 * as Velocity does.
 *
 * Values meet the template through `VObject`s: the host decides which methods exist.
 * Interpolated values pass through `escape` (the prompt is JSON, so values are
 * JSON-escaped); a `Raw` value (what `$esc.java(...)` returns) is written as is.
 */
export class TemplateError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(`Syntax error at ${line}:${column}: ${message}`);
  }
}

export interface VObject {
  /** A method call; undefined means "no such method" (the reference stays unresolved). */
  call(name: string, args: Value[]): Value | undefined;
}
export class Raw {
  constructor(readonly text: string) {}
}
export type Value = string | number | boolean | null | Value[] | VObject | Raw;

export type Expr =
  | { k: "lit"; v: Value }
  | { k: "ref"; ref: Ref }
  | { k: "list"; items: Expr[] }
  | { k: "un"; op: string; e: Expr }
  | { k: "bin"; op: string; a: Expr; b: Expr; at: number };
export interface Ref {
  name: string;
  steps: Array<
    | { kind: "prop"; name: string }
    | { kind: "call"; name: string; args: Expr[] }
    | { kind: "index"; e: Expr }
  >;
  silent: boolean;
  source: string;
  at: number;
}
export type Node =
  | { k: "text"; text: string }
  | { k: "ref"; ref: Ref }
  | { k: "set"; name: string; e: Expr }
  | { k: "if"; branches: Array<{ cond: Expr | null; body: Node[] }> }
  | { k: "foreach"; name: string; e: Expr; body: Node[]; at: number };

export const LIMITS = {
  templateChars: 100_000,
  outputChars: 2_000_000,
  iterations: 100_000,
  depth: 64,
};

const IDENT = /[A-Za-z_][A-Za-z0-9_]*/y;

class Parser {
  private pos = 0;
  private depth = 0;
  constructor(private readonly src: string) {}

  fail(message: string, at = this.pos): never {
    const before = this.src.slice(0, at);
    const line = before.split("\n").length;
    throw new TemplateError(message, line, at - before.lastIndexOf("\n"));
  }

  parseTemplate(): Node[] {
    const { nodes, end } = this.parseBlock();
    if (end) this.fail(`#${end} without a matching #if or #foreach`, this.pos - end.length - 1);
    return nodes;
  }

  /** Nodes up to `#end`/`#else`/`#elseif` (returned as `end`) or the end of input. */
  private parseBlock(): { nodes: Node[]; end?: string; endAt?: number } {
    if (++this.depth > LIMITS.depth) this.fail("directives are nested too deeply");
    const nodes: Node[] = [];
    let text = "";
    const flush = () => {
      if (text) nodes.push({ k: "text", text });
      text = "";
    };
    try {
      while (this.pos < this.src.length) {
        const c = this.src[this.pos];
        if (c === "$" && this.startsRef()) {
          flush();
          nodes.push({ k: "ref", ref: this.parseRef(false) });
          continue;
        }
        if (c === "#") {
          const next = this.src[this.pos + 1];
          if (next === "#") {
            const nl = this.src.indexOf("\n", this.pos);
            this.pos = nl === -1 ? this.src.length : nl + 1;
            continue;
          }
          if (next === "*") {
            const close = this.src.indexOf("*#", this.pos + 2);
            if (close === -1) this.fail("unclosed #* comment");
            this.pos = close + 2;
            continue;
          }
          const m = /#\{?([A-Za-z]+)\}?/y;
          m.lastIndex = this.pos;
          const hit = m.exec(this.src);
          if (hit) {
            const name = hit[1] as string;
            if (hit[0].startsWith("#{") && !hit[0].endsWith("}"))
              this.fail(`expected } after #{${name}`);
            const at = this.pos;
            flush();
            if (name === "end" || name === "else" || name === "elseif") {
              this.pos += hit[0].length;
              return { nodes, end: name, endAt: at };
            }
            this.pos += hit[0].length;
            nodes.push(this.parseDirective(name, at));
            continue;
          }
        }
        text += c;
        this.pos++;
      }
      flush();
      return { nodes };
    } finally {
      this.depth--;
    }
  }

  private parseDirective(name: string, at: number): Node {
    if (name === "set") {
      this.expect("(");
      this.skipSpace();
      if (this.src[this.pos] !== "$") this.fail("expected a $variable to set");
      this.pos++;
      const id = this.ident();
      this.skipSpace();
      this.expect("=");
      const e = this.expr();
      this.expect(")");
      return { k: "set", name: id, e };
    }
    if (name === "if") {
      const branches: Array<{ cond: Expr | null; body: Node[] }> = [];
      let cond: Expr | null = this.condition();
      for (;;) {
        const block = this.parseBlock();
        branches.push({ cond, body: block.nodes });
        if (!block.end) this.fail("#if without #end", at);
        if (block.end === "end") return { k: "if", branches };
        if (cond === null) this.fail(`#${block.end} after #else`, block.endAt);
        cond = block.end === "elseif" ? this.condition() : null;
      }
    }
    if (name === "foreach") {
      this.expect("(");
      this.skipSpace();
      if (this.src[this.pos] !== "$") this.fail("expected a $variable in #foreach");
      this.pos++;
      const id = this.ident();
      this.skipSpace();
      if (!this.src.startsWith("in", this.pos)) this.fail("expected 'in' in #foreach");
      this.pos += 2;
      const e = this.expr();
      this.expect(")");
      const block = this.parseBlock();
      if (block.end !== "end") this.fail("#foreach without #end", at);
      return { k: "foreach", name: id, e, body: block.nodes, at };
    }
    return this.fail(`unknown directive #${name}`, at);
  }

  private condition(): Expr {
    this.expect("(");
    const e = this.expr();
    this.expect(")");
    return e;
  }

  private startsRef(): boolean {
    let i = this.pos + 1;
    if (this.src[i] === "!") i++;
    if (this.src[i] === "{") i++;
    return /[A-Za-z_]/.test(this.src[i] ?? "");
  }

  /** `$x.y(…)[i]`, `$!x`, `${x.y}`; `inExpr` lets `.` be followed by anything valid. */
  private parseRef(inExpr: boolean): Ref {
    const at = this.pos;
    this.pos++;
    const silent = this.src[this.pos] === "!";
    if (silent) this.pos++;
    const braced = this.src[this.pos] === "{";
    if (braced) this.pos++;
    const ref: Ref = { name: this.ident(), steps: [], silent, source: "", at };
    for (;;) {
      const c = this.src[this.pos];
      if (c === "." && /[A-Za-z_]/.test(this.src[this.pos + 1] ?? "")) {
        this.pos++;
        const name = this.ident();
        if (this.src[this.pos] === "(") {
          this.pos++;
          ref.steps.push({ kind: "call", name, args: this.args(")") });
        } else ref.steps.push({ kind: "prop", name });
      } else if (c === "[" && (inExpr || braced || this.looksLikeIndex())) {
        this.pos++;
        const e = this.expr();
        this.expect("]");
        ref.steps.push({ kind: "index", e });
      } else break;
    }
    if (braced) this.expect("}");
    ref.source = this.src.slice(at, this.pos);
    return ref;
  }

  /** In text, `$n[` starts an index only for `[$…]` or `[digits]` (so "[$n] text" stays text). */
  private looksLikeIndex(): boolean {
    return /\[\s*(?:\$[A-Za-z_!{]|\d+\s*\])/y.test(this.src.slice(this.pos, this.pos + 64));
  }

  private args(close: string): Expr[] {
    const out: Expr[] = [];
    this.skipSpace();
    if (this.src[this.pos] === close) {
      this.pos++;
      return out;
    }
    for (;;) {
      out.push(this.expr());
      this.skipSpace();
      const c = this.src[this.pos];
      this.pos++;
      if (c === close) return out;
      if (c !== ",") this.fail(`expected , or ${close}`, this.pos - 1);
    }
  }

  private ident(): string {
    IDENT.lastIndex = this.pos;
    const m = IDENT.exec(this.src);
    if (!m) this.fail("expected a name");
    this.pos += m[0].length;
    return m[0];
  }

  private skipSpace(): void {
    while (/\s/.test(this.src[this.pos] ?? "")) this.pos++;
  }

  private expect(s: string): void {
    this.skipSpace();
    if (!this.src.startsWith(s, this.pos)) {
      const found =
        this.pos >= this.src.length ? "the end of the template" : `'${this.src[this.pos]}'`;
      this.fail(`expected '${s}' but found ${found}`);
    }
    this.pos += s.length;
  }

  private word(...ws: string[]): string | undefined {
    this.skipSpace();
    for (const w of ws) {
      if (!this.src.startsWith(w, this.pos)) continue;
      const alpha = /[a-z]/.test(w);
      if (alpha && /[A-Za-z0-9_]/.test(this.src[this.pos + w.length] ?? "")) continue;
      this.pos += w.length;
      return w;
    }
    return undefined;
  }

  private expr(): Expr {
    if (++this.depth > LIMITS.depth) this.fail("the expression is nested too deeply");
    try {
      return this.or();
    } finally {
      this.depth--;
    }
  }
  private or(): Expr {
    let a = this.and();
    for (let at = this.pos; this.word("||", "or"); at = this.pos)
      a = { k: "bin", op: "||", a, b: this.and(), at };
    return a;
  }
  private and(): Expr {
    let a = this.not();
    for (let at = this.pos; this.word("&&", "and"); at = this.pos)
      a = { k: "bin", op: "&&", a, b: this.not(), at };
    return a;
  }
  private not(): Expr {
    if (this.word("not")) return { k: "un", op: "!", e: this.not() };
    this.skipSpace();
    if (this.src[this.pos] === "!" && this.src[this.pos + 1] !== "=") {
      this.pos++;
      return { k: "un", op: "!", e: this.not() };
    }
    return this.cmp();
  }
  private cmp(): Expr {
    const a = this.add();
    const at = this.pos;
    const op = this.word("==", "!=", "<=", ">=", "<", ">", "eq", "ne", "le", "ge", "lt", "gt");
    if (!op) return a;
    const alias: Record<string, string> = {
      eq: "==",
      ne: "!=",
      le: "<=",
      ge: ">=",
      lt: "<",
      gt: ">",
    };
    return { k: "bin", op: alias[op] ?? op, a, b: this.add(), at };
  }
  private add(): Expr {
    let a = this.mul();
    for (let at = this.pos, op = this.word("+", "-"); op; at = this.pos, op = this.word("+", "-"))
      a = { k: "bin", op, a, b: this.mul(), at };
    return a;
  }
  private mul(): Expr {
    let a = this.unary();
    for (
      let at = this.pos, op = this.word("*", "/", "%");
      op;
      at = this.pos, op = this.word("*", "/", "%")
    )
      a = { k: "bin", op, a, b: this.unary(), at };
    return a;
  }
  private unary(): Expr {
    if (this.word("-")) return { k: "un", op: "-", e: this.unary() };
    return this.primary();
  }
  private primary(): Expr {
    this.skipSpace();
    const c = this.src[this.pos];
    if (c === "(") {
      this.pos++;
      const e = this.expr();
      this.expect(")");
      return e;
    }
    if (c === "[") {
      this.pos++;
      return { k: "list", items: this.args("]") };
    }
    if (c === "$") {
      if (!this.startsRef()) this.fail("expected a reference after $");
      return { k: "ref", ref: this.parseRef(true) };
    }
    if (c === '"' || c === "'") return { k: "lit", v: this.string(c) };
    // Inside a JSON prompt authors often write `get(\"k\")`; read it as "k".
    if (c === "\\" && this.src[this.pos + 1] === '"') {
      this.pos++;
      return { k: "lit", v: this.string('\\"') };
    }
    const num = /\d+(?:\.\d+)?/y;
    num.lastIndex = this.pos;
    const n = num.exec(this.src);
    if (n) {
      this.pos += n[0].length;
      return { k: "lit", v: Number(n[0]) };
    }
    if (this.word("true")) return { k: "lit", v: true };
    if (this.word("false")) return { k: "lit", v: false };
    if (this.word("null")) return { k: "lit", v: null };
    const found = c === undefined ? "the end of the template" : `'${c}'`;
    return this.fail(`expected a value but found ${found}`);
  }
  private string(quote: string): string {
    const start = this.pos;
    this.pos++;
    let out = "";
    while (this.pos < this.src.length) {
      const c = this.src[this.pos] as string;
      if (quote.length === 2) {
        if (this.src.startsWith(quote, this.pos)) {
          this.pos += 2;
          return out;
        }
        out += c;
        this.pos++;
        continue;
      }
      if (c === quote) {
        // Velocity escapes a quote by doubling it.
        if (this.src[this.pos + 1] === quote) {
          out += quote;
          this.pos += 2;
          continue;
        }
        this.pos++;
        return out;
      }
      if (c === "\\" && this.src[this.pos + 1] === quote) {
        out += quote;
        this.pos += 2;
        continue;
      }
      out += c;
      this.pos++;
    }
    return this.fail("unclosed string", start);
  }
}

export function parseTemplate(src: string): Node[] {
  if (src.length > LIMITS.templateChars) {
    throw new TemplateError(`the template is over ${LIMITS.templateChars} characters`, 1, 1);
  }
  return new Parser(src).parseTemplate();
}
