import type { Attribute, BinaryOp, ComparisonOp, Expr, Literal, Logical, Scope, Span } from "./ast";
import { quote, syntaxError } from "./diagnostics";
import { type Operator, type Token, tokenize } from "./lexer";

/** Deepest expression tree accepted (counting parentheses, NOT and unary chains too). */
export const MAX_DEPTH = 100;

const EQUALITY: Partial<Record<Operator, ComparisonOp>> = {
  "=": "=",
  "==": "=",
  "!=": "!=",
  "<>": "!=",
};
const ORDERING: Partial<Record<Operator, ComparisonOp>> = {
  "<": "<",
  "<=": "<=",
  ">": ">",
  ">=": ">=",
};
const ADDITIVE: Partial<Record<Operator, BinaryOp>> = { "+": "+", "-": "-" };
const MULTIPLICATIVE: Partial<Record<Operator, BinaryOp>> = { "*": "*", "/": "/", "%": "%" };

const KEYWORDS = new Set(["AND", "OR", "NOT", "IN", "IS", "NULL", "TRUE", "FALSE"]);

/**
 * Recursive descent over the grammar of the Vectara notes §5.2, one method per
 * precedence level (low → high): OR, AND, NOT, IN, IS NULL, equality,
 * comparison, additive, multiplicative, unary, primary. Binary levels are
 * left-associative. Throws FilterError.
 */
export function parse(input: string): Expr {
  return new Parser(input).parseFilter();
}

/** The negated literal for a numeric literal; any other node comes back as is. */
function negate<T extends Expr>(e: T): T {
  if (e.kind !== "literal") return e;
  if (e.type === "integer") return { ...e, value: -e.value };
  if (e.type === "real") return { ...e, value: -e.value };
  return e;
}

class Parser {
  private readonly tokens: Token[];
  private i = 0;
  private nesting = 0;
  /** Height of every node built so far; a tree taller than MAX_DEPTH is refused as it grows. */
  private readonly heights = new WeakMap<Expr, number>();

  constructor(private readonly input: string) {
    this.tokens = tokenize(input);
  }

  parseFilter(): Expr {
    const expr = this.parseOr();
    const t = this.peek();
    if (t.kind !== "eof")
      throw syntaxError(
        t.start,
        `expected AND, OR or the end of the filter but found ${this.describe(t)}`,
      );
    return expr;
  }

  // ---- precedence levels, loosest first ----

  private parseOr(): Expr {
    return this.parseLogical("OR", () => this.parseAnd());
  }

  private parseAnd(): Expr {
    return this.parseLogical("AND", () => this.parseNot());
  }

  private parseLogical(keyword: "AND" | "OR", operand: () => Expr): Expr {
    const first = operand();
    const operands = [first];
    while (this.isKeyword(this.peek(), keyword)) {
      this.next();
      operands.push(operand());
    }
    if (operands.length === 1) return first;
    const last = operands[operands.length - 1] as Expr;
    const node: Logical = {
      kind: keyword === "AND" ? "and" : "or",
      operands,
      start: first.start,
      end: last.end,
    };
    // Emitted as a balanced tree, so a long chain costs log2(n) levels, not n.
    const tallest = Math.max(...operands.map((o) => this.height(o)));
    return this.built(node, tallest + Math.ceil(Math.log2(operands.length)), first.start);
  }

  private parseNot(): Expr {
    const t = this.peek();
    if (!this.isKeyword(t, "NOT")) return this.parseIn();
    this.next();
    const operand = this.nested(t.start, () => this.parseNot());
    return this.built(
      { kind: "not", operand, start: t.start, end: operand.end },
      this.height(operand) + 1,
      t.start,
    );
  }

  private parseIn(): Expr {
    const left = this.parseIsNull();
    const t = this.peek();
    if (!this.isKeyword(t, "IN")) return left;
    this.next();
    const after = this.peek();
    if (after.kind === "punct" && after.char === "(") {
      this.next();
      const values = [this.parseListLiteral()];
      while (this.isPunct(this.peek(), ",")) {
        this.next();
        values.push(this.parseListLiteral());
      }
      const close = this.expectPunct(")");
      return this.built(
        { kind: "in", operand: left, values, opStart: t.start, start: left.start, end: close.end },
        this.height(left) + 1,
        t.start,
      );
    }
    if (after.kind !== "ident" || this.isKeyword(after))
      throw syntaxError(
        after.start,
        `expected '(' or an attribute after IN but found ${this.describe(after)}`,
      );
    const attribute = this.parseAttribute();
    if (left.kind !== "literal")
      throw syntaxError(
        left.start,
        `the left side of 'IN ${quote(this.text(attribute))}' must be a literal value, not '${quote(this.text(left))}'`,
      );
    return this.built(
      {
        kind: "contains",
        value: left,
        attribute,
        opStart: t.start,
        start: left.start,
        end: attribute.end,
      },
      2,
      t.start,
    );
  }

  private parseIsNull(): Expr {
    const operand = this.parseEquality();
    const t = this.peek();
    if (!this.isKeyword(t, "IS")) return operand;
    this.next();
    const negated = this.isKeyword(this.peek(), "NOT");
    if (negated) this.next();
    const n = this.peek();
    if (!this.isKeyword(n, "NULL"))
      throw syntaxError(
        n.start,
        `expected ${negated ? "NULL" : "NULL or NOT NULL"} after IS but found ${this.describe(n)}`,
      );
    this.next();
    return this.built(
      { kind: "isNull", operand, negated, opStart: t.start, start: operand.start, end: n.end },
      this.height(operand) + 1,
      t.start,
    );
  }

  private parseEquality(): Expr {
    return this.parseBinary(EQUALITY, () => this.parseCompare());
  }

  private parseCompare(): Expr {
    return this.parseBinary(ORDERING, () => this.parseAdditive());
  }

  private parseAdditive(): Expr {
    return this.parseBinary(ADDITIVE, () => this.parseMultiplicative());
  }

  private parseMultiplicative(): Expr {
    return this.parseBinary(MULTIPLICATIVE, () => this.parseUnary());
  }

  /** One left-associative level: operand (op operand)*. */
  private parseBinary(ops: Partial<Record<Operator, BinaryOp>>, operand: () => Expr): Expr {
    let left = operand();
    for (;;) {
      const t = this.peek();
      const op = t.kind === "op" ? ops[t.op] : undefined;
      if (!op) return left;
      this.next();
      const right = operand();
      left = this.built(
        { kind: "binary", op, left, right, opStart: t.start, start: left.start, end: right.end },
        Math.max(this.height(left), this.height(right)) + 1,
        t.start,
      );
    }
  }

  private parseUnary(): Expr {
    const t = this.peek();
    if (t.kind !== "op" || (t.op !== "+" && t.op !== "-")) return this.parsePrimary();
    this.next();
    const operand = this.nested(t.start, () => this.parseUnary());
    // Fold signs into numeric literals so `-5` is a literal (and `-9223372036854775808` fits).
    const folded = t.op === "-" ? negate(operand) : operand;
    if (folded.kind === "literal" && (folded.type === "integer" || folded.type === "real"))
      return this.built({ ...folded, start: t.start }, 1, t.start);
    return this.built(
      { kind: "unary", op: t.op, operand, start: t.start, end: operand.end },
      this.height(operand) + 1,
      t.start,
    );
  }

  private parsePrimary(): Expr {
    const t = this.peek();
    switch (t.kind) {
      case "integer":
      case "real":
      case "text":
        return this.parseLiteral();
      case "punct":
        if (t.char === "(") {
          this.next();
          const inner = this.nested(t.start, () => this.parseOr());
          const close = this.expectPunct(")");
          // The node's span takes in its parentheses, so messages quote "(a + b)" whole.
          inner.start = t.start;
          inner.end = close.end;
          return inner;
        }
        break;
      case "quoted":
        throw syntaxError(
          t.start,
          `"${quote(t.value)}" is not a value: text literals use single quotes ('${quote(t.value)}'), and quoted names must follow doc. or part.`,
        );
      case "ident": {
        const word = t.text.toUpperCase();
        if (word === "TRUE" || word === "FALSE" || word === "NULL") return this.parseLiteral();
        if (KEYWORDS.has(word)) break;
        return this.parseAttribute();
      }
    }
    throw syntaxError(t.start, `expected a value but found ${this.describe(t)}`);
  }

  /** A literal, with an optional sign on numbers (for IN lists). */
  private parseListLiteral(): Literal {
    const t = this.peek();
    if (t.kind === "op" && (t.op === "+" || t.op === "-")) {
      this.next();
      const n = this.peek();
      if (n.kind !== "integer" && n.kind !== "real")
        throw syntaxError(
          n.start,
          `expected a number after '${t.op}' but found ${this.describe(n)}`,
        );
      const lit = this.parseLiteral();
      return { ...(t.op === "-" ? negate(lit) : lit), start: t.start } as Literal;
    }
    return this.parseLiteral();
  }

  private parseLiteral(): Literal {
    const t = this.next();
    const span: Span = { start: t.start, end: t.end };
    switch (t.kind) {
      case "integer":
        return { kind: "literal", type: "integer", value: t.value, ...span };
      case "real":
        return { kind: "literal", type: "real", value: t.value, ...span };
      case "text":
        return { kind: "literal", type: "text", value: t.value, ...span };
      case "ident": {
        const word = t.text.toUpperCase();
        if (word === "TRUE" || word === "FALSE")
          return { kind: "literal", type: "boolean", value: word === "TRUE", ...span };
        if (word === "NULL") return { kind: "literal", type: "null", ...span };
      }
    }
    throw syntaxError(t.start, `expected a literal value but found ${this.describe(t)}`);
  }

  /**
   * `doc.name`, `doc.name.with.dots` or `doc."any name"`, written without spaces.
   * Anything else is Vectara's "`x` must be referenced as doc.x or part.x".
   */
  private parseAttribute(): Attribute {
    const first = this.next();
    if (first.kind !== "ident")
      throw syntaxError(first.start, `expected an attribute but found ${this.describe(first)}`);
    const scopeWord = first.text.toLowerCase();
    const dot = this.peek();
    const isScoped =
      (scopeWord === "doc" || scopeWord === "part") &&
      this.isPunct(dot, ".") &&
      dot.start === first.end;
    if (!isScoped) {
      const name = this.dottedTail(first.text, first.end);
      throw syntaxError(
        first.start,
        `\`${name}\` must be referenced as doc.${name} or part.${name}`,
      );
    }
    this.next();
    const scope = scopeWord as Scope;
    const t = this.peek();
    if (t.start !== dot.end || (t.kind !== "ident" && t.kind !== "quoted"))
      throw syntaxError(dot.end, `expected an attribute name directly after '${first.text}.'`);
    this.next();
    if (t.kind === "quoted") {
      if (t.value === "") throw syntaxError(t.start, "an attribute name cannot be empty");
      return { kind: "attribute", scope, name: t.value, start: first.start, end: t.end };
    }
    let name = t.text;
    let end = t.end;
    for (;;) {
      const d = this.peek();
      const seg = this.tokens[this.i + 1];
      if (!this.isPunct(d, ".") || d.start !== end || seg?.kind !== "ident" || seg.start !== d.end)
        break;
      this.next();
      this.next();
      name += `.${seg.text}`;
      end = seg.end;
    }
    return { kind: "attribute", scope, name, start: first.start, end };
  }

  /** For the unscoped-name message: `foo.bar` reads better than `foo`. */
  private dottedTail(head: string, end: number): string {
    let name = head;
    let j = this.i;
    for (;;) {
      const d = this.tokens[j];
      const seg = this.tokens[j + 1];
      if (
        !d ||
        !this.isPunct(d, ".") ||
        d.start !== end ||
        seg?.kind !== "ident" ||
        seg.start !== d.end
      )
        return name;
      name += `.${seg.text}`;
      end = seg.end;
      j += 2;
    }
  }

  // ---- helpers ----

  private nested<T>(at: number, parse: () => T): T {
    if (++this.nesting > MAX_DEPTH) throw this.tooDeep(at);
    try {
      return parse();
    } finally {
      this.nesting--;
    }
  }

  private built<T extends Expr>(node: T, height: number, at: number): T {
    if (height > MAX_DEPTH) throw this.tooDeep(at);
    this.heights.set(node, height);
    return node;
  }

  private height(node: Expr): number {
    return this.heights.get(node) ?? 1;
  }

  private tooDeep(at: number) {
    return syntaxError(at, `the filter is nested too deeply (at most ${MAX_DEPTH} levels)`);
  }

  private peek(): Token {
    return this.tokens[this.i] as Token;
  }

  private next(): Token {
    const t = this.tokens[this.i] as Token;
    if (t.kind !== "eof") this.i++;
    return t;
  }

  private isKeyword(t: Token, keyword?: string): boolean {
    if (t.kind !== "ident") return false;
    const word = t.text.toUpperCase();
    return keyword === undefined ? KEYWORDS.has(word) : word === keyword;
  }

  private isPunct(t: Token, char: "(" | ")" | "," | "."): boolean {
    return t.kind === "punct" && t.char === char;
  }

  private expectPunct(char: ")" | "("): Token {
    const t = this.peek();
    if (!this.isPunct(t, char))
      throw syntaxError(t.start, `expected '${char}' but found ${this.describe(t)}`);
    return this.next();
  }

  private text(node: Span): string {
    return this.input.slice(node.start, node.end);
  }

  private describe(t: Token): string {
    if (t.kind === "eof") return "the end of the filter";
    return `'${quote(this.input.slice(t.start, t.end), 30)}'`;
  }
}
