import type { Binary, Expr, Literal, Span } from "./ast";
import type { AttributeCatalog } from "./attributes";
import { quote, typeError } from "./diagnostics";

/** Value types, named as in FilterAttribute.type, plus `null` for the null literal. */
export type ValueType =
  | "integer"
  | "real_number"
  | "text"
  | "boolean"
  | "null"
  | "list[integer]"
  | "list[real_number]"
  | "list[text]";

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

const isNumeric = (t: ValueType) => t === "integer" || t === "real_number";
const isList = (t: ValueType) => t.startsWith("list[");
/** Two scalar types that may meet in `=`, `IN (…)` or a list: numbers with numbers, else the same type. */
const comparable = (a: ValueType, b: ValueType) => (isNumeric(a) && isNumeric(b)) || a === b;

/**
 * Resolves every attribute (undeclared → 400) and infers types bottom-up.
 * The rules: arithmetic and unary signs take numbers; `=`/`!=` take two numbers,
 * two texts or two booleans; ordering takes two numbers or two texts; AND, OR and
 * NOT take booleans; a list attribute appears only in `value IN list` and
 * `IS [NOT] NULL`; the null literal only where it means something (IS NULL, IN
 * lists, logic). The whole filter must be boolean.
 */
export function checkFilter(expr: Expr, catalog: AttributeCatalog, input: string): void {
  const show = (n: Span) => `${quote(input.slice(n.start, n.end))}`;
  const typed = (n: Span, t: ValueType) => `${show(n)} is ${t}`;

  function scalar(n: Expr, t: ValueType, what: string): void {
    if (isList(t))
      throw typeError(
        n.start,
        `${typed(n, t)}; a list attribute can only be used as 'value IN ${show(n)}' or with IS [NOT] NULL, not ${what}`,
      );
  }

  function boolean(n: Expr, t: ValueType, what: string): void {
    scalar(n, t, what);
    if (t !== "boolean" && t !== "null")
      throw typeError(n.start, `${what} needs a boolean condition, but ${typed(n, t)}`);
  }

  function literal(n: Literal): ValueType {
    switch (n.type) {
      case "integer":
        if (n.value < INT64_MIN || n.value > INT64_MAX)
          throw typeError(n.start, `integer ${show(n)} is outside the signed 64-bit range`);
        return "integer";
      case "real":
        return "real_number";
      case "text":
        return "text";
      case "boolean":
        return "boolean";
      case "null":
        return "null";
    }
  }

  function binary(n: Binary): ValueType {
    const l = visit(n.left);
    const r = visit(n.right);
    const op = `'${n.op}'`;
    scalar(n.left, l, `in ${op}`);
    scalar(n.right, r, `in ${op}`);
    if (l === "null" || r === "null") {
      const hint = n.op === "=" || n.op === "!=" ? "; use IS NULL or IS NOT NULL" : "";
      throw typeError(n.opStart, `${op} with null is never true${hint}`);
    }
    switch (n.op) {
      case "+":
      case "-":
      case "*":
      case "/":
      case "%":
        for (const [side, t] of [
          [n.left, l],
          [n.right, r],
        ] as const)
          if (!isNumeric(t))
            throw typeError(n.opStart, `${op} needs numbers, but ${typed(side, t)}`);
        return l === "integer" && r === "integer" ? "integer" : "real_number";
      case "=":
      case "!=":
        if (!comparable(l, r))
          throw typeError(
            n.opStart,
            `${op} cannot compare ${show(n.left)} (${l}) with ${show(n.right)} (${r})`,
          );
        return "boolean";
      default:
        if (!comparable(l, r) || l === "boolean")
          throw typeError(
            n.opStart,
            `${op} orders two numbers or two texts, not ${show(n.left)} (${l}) and ${show(n.right)} (${r})`,
          );
        return "boolean";
    }
  }

  function visit(n: Expr): ValueType {
    switch (n.kind) {
      case "literal":
        return literal(n);
      case "attribute":
        return catalog.resolve(n).type;
      case "and":
      case "or":
        for (const o of n.operands) boolean(o, visit(o), n.kind.toUpperCase());
        return "boolean";
      case "not":
        boolean(n.operand, visit(n.operand), "NOT");
        return "boolean";
      case "unary": {
        const t = visit(n.operand);
        scalar(n.operand, t, `after '${n.op}'`);
        if (!isNumeric(t))
          throw typeError(n.start, `'${n.op}' needs a number, but ${typed(n.operand, t)}`);
        return t;
      }
      case "binary":
        return binary(n);
      case "isNull":
        visit(n.operand);
        return "boolean";
      case "in": {
        const t = visit(n.operand);
        scalar(n.operand, t, "with IN (…)");
        if (t === "null") throw typeError(n.opStart, "null IN (…) is never true; use IS NULL");
        for (const v of n.values) {
          const vt = literal(v);
          if (vt !== "null" && !comparable(t, vt))
            throw typeError(
              v.start,
              `IN list value ${show(v)} (${vt}) does not match ${show(n.operand)} (${t})`,
            );
        }
        return "boolean";
      }
      case "contains": {
        const vt = literal(n.value);
        const at = catalog.resolve(n.attribute).type;
        if (!isList(at))
          throw typeError(
            n.opStart,
            `'value IN attribute' needs a list attribute, but ${typed(n.attribute, at)}; for a set of values write ${show(n.attribute)} IN (…)`,
          );
        if (vt === "null")
          throw typeError(n.value.start, `null is never an element of ${show(n.attribute)}`);
        const element = at.slice(5, -1) as ValueType;
        if (!comparable(element, vt))
          throw typeError(
            n.value.start,
            `${show(n.attribute)} holds ${element} values, but ${typed(n.value, vt)}`,
          );
        return "boolean";
      }
    }
  }

  const top = visit(expr);
  scalar(expr, top, "as the whole filter");
  if (top !== "boolean" && top !== "null")
    throw typeError(expr.start, `a filter must be a boolean condition, but ${typed(expr, top)}`);
}
