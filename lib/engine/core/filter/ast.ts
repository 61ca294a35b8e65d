/**
 * The metadata filter AST. Every node records where it came from in the filter
 * text (`start`/`end`, 0-based offsets, end exclusive) so errors can point at it.
 */

/** `[start, end)` offsets into the filter text. */
export interface Span {
  start: number;
  end: number;
}

export type LiteralValue =
  | { type: "integer"; value: bigint }
  | { type: "real"; value: number }
  | { type: "text"; value: string }
  | { type: "boolean"; value: boolean }
  | { type: "null" };

/** `-5` and `+5` are folded into a single literal by the parser. */
export type Literal = Span & { kind: "literal" } & LiteralValue;

export type Scope = "doc" | "part";

/** `doc.<name>` or `part.<name>`; `name` is the declared attribute name, unquoted. */
export interface Attribute extends Span {
  kind: "attribute";
  scope: Scope;
  name: string;
}

/** `a AND b AND c` is one node: AND and OR are associative, so chains stay flat. */
export interface Logical extends Span {
  kind: "and" | "or";
  operands: Expr[];
}

export interface Not extends Span {
  kind: "not";
  operand: Expr;
}

export interface Unary extends Span {
  kind: "unary";
  op: "+" | "-";
  operand: Expr;
}

/** `==` is stored as `=`, and `<>` as `!=`. */
export type ComparisonOp = "=" | "!=" | "<" | "<=" | ">" | ">=";
export type ArithmeticOp = "+" | "-" | "*" | "/" | "%";
export type BinaryOp = ComparisonOp | ArithmeticOp;

export interface Binary extends Span {
  kind: "binary";
  op: BinaryOp;
  left: Expr;
  right: Expr;
  /** Offset of the operator, where type errors point. */
  opStart: number;
}

export interface IsNull extends Span {
  kind: "isNull";
  operand: Expr;
  negated: boolean;
  opStart: number;
}

/** `operand IN (v1, v2, …)`. */
export interface InList extends Span {
  kind: "in";
  operand: Expr;
  values: Literal[];
  opStart: number;
}

/** `value IN doc.tags`: the list attribute contains the value. */
export interface Contains extends Span {
  kind: "contains";
  value: Literal;
  attribute: Attribute;
  opStart: number;
}

export type Expr =
  | Literal
  | Attribute
  | Logical
  | Not
  | Unary
  | Binary
  | IsNull
  | InList
  | Contains;
