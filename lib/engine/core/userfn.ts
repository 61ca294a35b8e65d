import { errors } from "./errors";
import { locate, quote } from "./filter/diagnostics";
import type { BinaryOp, Node } from "./userfn-ast";
import { evaluate, scoreOf } from "./userfn-eval";
import { FUNCTIONS } from "./userfn-functions";
import { describeToken, lex, type Token } from "./userfn-lexer";
import { parseJsonPath, UserFnError } from "./userfn-values";

export { UserFnError } from "./userfn-values";

/**
 * The user-function language of Vectara's `userfn` reranker: one expression that
 * computes a result's new score. A hand-written lexer and recursive-descent parser
 * build an AST that `userfn-eval.ts` interprets; nothing is ever handed to `eval`
 * or `Function`. Every problem is a 400 on the caller's field whose message says
 * where it is ("Syntax error at 1:9: expected ')' but found 'else'").
 *
 * Grammar (loosest first): `c ? a : b`; `||`; `&&`; `== === != !==`;
 * `< <= > >=`; `+ -`; `* / %`; unary `! - +`; literals (numbers, 'strings' with ''
 * for a quote, true, false, null), `( … )`, calls `name(args)`, and `if` in three
 * spellings: `if (c) a else b`, `if c then a else b`, `if(c, a, b)`.
 */
export const MAX_USERFN_LENGTH = 10_000;
export const MAX_USERFN_DEPTH = 100;

/** Turns a UserFnError into the engine's 400 on `field`. */
export function reportUserFnError(source: string, field: string, error: unknown): never {
  if (error instanceof UserFnError) {
    throw errors.field(field, `${error.kind} at ${locate(source, error.offset)}: ${error.detail}`);
  }
  throw error;
}

class Parser {
  private pos = 0;
  private depth = 0;
  constructor(private readonly tokens: Token[]) {}

  private peek(): Token {
    return this.tokens[this.pos] as Token;
  }
  private next(): Token {
    const t = this.peek();
    if (t.type !== "end") this.pos++;
    return t;
  }
  private isOp(value: string): boolean {
    const t = this.peek();
    return t.type === "op" && t.value === value;
  }
  private isWord(value: string): boolean {
    const t = this.peek();
    return t.type === "id" && t.value.toLowerCase() === value;
  }
  private expectOp(value: string): Token {
    if (!this.isOp(value)) {
      throw new UserFnError(
        "Syntax error",
        this.peek().at,
        `expected '${value}' but found ${describeToken(this.peek())}`,
      );
    }
    return this.next();
  }
  private expectWord(value: string): void {
    if (!this.isWord(value)) {
      throw new UserFnError(
        "Syntax error",
        this.peek().at,
        `expected '${value}' but found ${describeToken(this.peek())}`,
      );
    }
    this.next();
  }

  parseAll(): Node {
    const node = this.expr();
    const t = this.peek();
    if (t.type !== "end")
      throw new UserFnError("Syntax error", t.at, `unexpected ${describeToken(t)}`);
    return node;
  }

  private expr(): Node {
    if (++this.depth > MAX_USERFN_DEPTH) {
      throw new UserFnError(
        "Syntax error",
        this.peek().at,
        `nested more than ${MAX_USERFN_DEPTH} deep`,
      );
    }
    const test = this.binary(0);
    let node = test;
    if (this.isOp("?")) {
      const at = this.next().at;
      const then = this.expr();
      this.expectOp(":");
      node = { kind: "cond", at, test, then, else: this.expr() };
    }
    this.depth--;
    return node;
  }

  private static readonly LEVELS: string[][] = [
    ["||"],
    ["&&"],
    ["==", "!="],
    ["<", "<=", ">", ">="],
    ["+", "-"],
    ["*", "/", "%"],
  ];

  private binary(level: number): Node {
    if (level === Parser.LEVELS.length) return this.unary();
    let left = this.binary(level + 1);
    const ops = Parser.LEVELS[level] as string[];
    for (;;) {
      const t = this.peek();
      if (t.type !== "op" || !ops.includes(t.value)) return left;
      this.next();
      const right = this.binary(level + 1);
      left = { kind: "binary", at: t.at, op: t.value as BinaryOp, left, right };
    }
  }

  private unary(): Node {
    const t = this.peek();
    if (t.type === "op" && (t.value === "!" || t.value === "-" || t.value === "+")) {
      this.next();
      if (++this.depth > MAX_USERFN_DEPTH) {
        throw new UserFnError("Syntax error", t.at, `nested more than ${MAX_USERFN_DEPTH} deep`);
      }
      const arg = this.unary();
      this.depth--;
      return { kind: "unary", at: t.at, op: t.value, arg };
    }
    return this.primary();
  }

  private primary(): Node {
    const t = this.next();
    switch (t.type) {
      case "num":
        return { kind: "literal", at: t.at, value: t.value };
      case "str":
        return { kind: "literal", at: t.at, value: t.value };
      case "op":
        if (t.value === "(") {
          const inner = this.expr();
          this.expectOp(")");
          return inner;
        }
        throw new UserFnError("Syntax error", t.at, `unexpected ${describeToken(t)}`);
      case "end":
        throw new UserFnError("Syntax error", t.at, "the function ends too soon");
      case "id":
        return this.word(t);
    }
  }

  private word(t: Extract<Token, { type: "id" }>): Node {
    const name = t.value.toLowerCase();
    if (name === "true" || name === "false")
      return { kind: "literal", at: t.at, value: name === "true" };
    if (name === "null") return { kind: "literal", at: t.at, value: null };
    if (name === "if") return this.ifExpr(t.at);
    if (!this.isOp("(")) {
      throw new UserFnError(
        "Syntax error",
        t.at,
        `unknown name '${quote(t.value)}' (use get('$.path') to read a field)`,
      );
    }
    const fn = FUNCTIONS[name];
    if (!fn) throw new UserFnError("Function error", t.at, `unknown function '${quote(t.value)}'`);
    this.next();
    const args: Node[] = [];
    if (!this.isOp(")")) {
      for (;;) {
        args.push(this.expr());
        if (!this.isOp(",")) break;
        this.next();
      }
    }
    this.expectOp(")");
    if (args.length < fn.min || args.length > fn.max) {
      const want =
        fn.min === fn.max
          ? `${fn.min}`
          : fn.max === Number.POSITIVE_INFINITY
            ? `at least ${fn.min}`
            : `${fn.min} to ${fn.max}`;
      throw new UserFnError(
        "Function error",
        t.at,
        `${name}() takes ${want} argument${want === "1" ? "" : "s"}, not ${args.length}`,
      );
    }
    const path = args[0];
    if (name === "get" && path?.kind === "literal") {
      if (typeof path.value !== "string")
        throw new UserFnError(
          "Type error",
          path.at,
          "get() takes a JSON path string such as '$.score'",
        );
      if (!parseJsonPath(path.value))
        throw new UserFnError(
          "Syntax error",
          path.at,
          `'${quote(path.value)}' is not a supported JSON path (like '$.document_metadata.name' or '$.a[0]')`,
        );
    }
    return { kind: "call", at: t.at, name, args };
  }

  /** `if (c) a else b`, `if c then a else b`, or the function form `if(c, a, b)`. */
  private ifExpr(at: number): Node {
    if (this.isOp("(")) {
      const open = this.pos;
      this.next();
      const test = this.expr();
      if (this.isOp(",")) {
        this.next();
        const then = this.expr();
        this.expectOp(",");
        const otherwise = this.expr();
        this.expectOp(")");
        return { kind: "cond", at, test, then, else: otherwise };
      }
      if (this.isOp(")")) {
        this.next();
        // `if (a) > 0 then …`: the parenthesis only opened the condition.
        if (
          !this.isWord("then") &&
          this.peek().type === "op" &&
          !this.isOp("(") &&
          !this.isOp("!") &&
          !this.isOp("-") &&
          !this.isOp("+")
        ) {
          this.pos = open;
          return this.ifThen(at);
        }
        if (this.isWord("then")) this.next();
        const then = this.expr();
        this.expectWord("else");
        return { kind: "cond", at, test, then, else: this.expr() };
      }
      throw new UserFnError(
        "Syntax error",
        this.peek().at,
        `expected ')' or ',' but found ${describeToken(this.peek())}`,
      );
    }
    return this.ifThen(at);
  }

  private ifThen(at: number): Node {
    const test = this.expr();
    this.expectWord("then");
    const then = this.expr();
    this.expectWord("else");
    return { kind: "cond", at, test, then, else: this.expr() };
  }
}

/** Parses a user function; throws UserFnError. */
export function parseUserFunction(source: string): Node {
  if (source.length > MAX_USERFN_LENGTH) {
    throw new UserFnError(
      "Syntax error",
      MAX_USERFN_LENGTH,
      `the function is longer than ${MAX_USERFN_LENGTH} characters`,
    );
  }
  if (source.trim() === "") throw new UserFnError("Syntax error", 0, "the function is empty");
  const ast = new Parser(lex(source)).parseAll();
  checkDepth(ast);
  return ast;
}

/** Left-leaning chains (`1+1+…`) are loops in the parser but depth in the tree. */
function checkDepth(root: Node): void {
  const stack: Array<[Node, number]> = [[root, 1]];
  while (stack.length) {
    const [node, depth] = stack.pop() as [Node, number];
    if (depth > MAX_USERFN_DEPTH * 4) {
      throw new UserFnError("Syntax error", node.at, "the function is nested too deeply");
    }
    const children =
      node.kind === "unary"
        ? [node.arg]
        : node.kind === "binary"
          ? [node.left, node.right]
          : node.kind === "cond"
            ? [node.test, node.then, node.else]
            : node.kind === "call"
              ? node.args
              : [];
    for (const c of children) stack.push([c, depth + 1]);
  }
}

export interface UserFunction {
  /** The new score of a result (its JSON form), or null to drop it. Throws a 400. */
  score(result: Record<string, unknown>, now: number): number | null;
}

/** Compiles `user_function`; every problem, now or at evaluation, is a 400 on `field`. */
export function compileUserFunction(source: string, field: string): UserFunction {
  let ast: Node;
  try {
    ast = parseUserFunction(source);
  } catch (error) {
    reportUserFnError(source, field, error);
  }
  return {
    score(result, now) {
      try {
        return scoreOf(evaluate(ast, { result, now }), ast.at);
      } catch (error) {
        reportUserFnError(source, field, error);
      }
    },
  };
}
