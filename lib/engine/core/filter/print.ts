import type { Attribute, Expr, Literal } from "./ast";

const PLAIN_NAME = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;

/**
 * Prints an AST back as filter text with every operation parenthesized, e.g.
 * `a OR b AND c` → `(doc.a OR (doc.b AND doc.c))`. The output parses back to
 * the same tree, which makes precedence visible in tests and error reports.
 */
export function formatFilter(e: Expr): string {
  switch (e.kind) {
    case "literal":
      return formatLiteral(e);
    case "attribute":
      return formatAttribute(e);
    case "and":
    case "or":
      return `(${e.operands.map(formatFilter).join(e.kind === "and" ? " AND " : " OR ")})`;
    case "not":
      return `(NOT ${formatFilter(e.operand)})`;
    case "unary":
      return `(${e.op}${formatFilter(e.operand)})`;
    case "binary":
      return `(${formatFilter(e.left)} ${e.op} ${formatFilter(e.right)})`;
    case "isNull":
      return `(${formatFilter(e.operand)} IS ${e.negated ? "NOT NULL" : "NULL"})`;
    case "in":
      return `(${formatFilter(e.operand)} IN (${e.values.map(formatLiteral).join(", ")}))`;
    case "contains":
      return `(${formatLiteral(e.value)} IN ${formatAttribute(e.attribute)})`;
  }
}

function formatLiteral(e: Literal): string {
  switch (e.type) {
    case "integer":
      return e.value.toString();
    case "real": {
      const s = String(e.value);
      // A real must still read as a real: 5 → 5.0 (1e+21 already does).
      return /[.e]/.test(s) ? s : `${s}.0`;
    }
    case "text":
      return `'${e.value.replaceAll("'", "''")}'`;
    case "boolean":
      return e.value ? "TRUE" : "FALSE";
    case "null":
      return "NULL";
  }
}

function formatAttribute(e: Attribute): string {
  return PLAIN_NAME.test(e.name)
    ? `${e.scope}.${e.name}`
    : `${e.scope}."${e.name.replaceAll('"', '""')}"`;
}
