import type { Node } from "./userfn-ast";
import { type Fn, FUNCTIONS } from "./userfn-functions";
import {
  type DateTime,
  type Duration,
  type EvalContext,
  finite,
  isDateTime,
  isDuration,
  num,
  truthy,
  typeError,
  typeName,
  type Value,
} from "./userfn-values";

/** Evaluation of a parsed user function (see `userfn-values.ts` for the rules). */
export function evaluate(node: Node, ctx: EvalContext): Value {
  switch (node.kind) {
    case "literal":
      return node.value;
    case "unary": {
      const v = evaluate(node.arg, ctx);
      if (node.op === "!") return !truthy(v);
      if (isDuration(v)) return { t: "duration", ms: node.op === "-" ? -v.ms : v.ms };
      const n = num(v, node.at, `unary ${node.op}`);
      return n === null ? null : node.op === "-" ? -n : n;
    }
    case "cond":
      return truthy(evaluate(node.test, ctx)) ? evaluate(node.then, ctx) : evaluate(node.else, ctx);
    case "call": {
      const fn = FUNCTIONS[node.name] as Fn;
      const args = node.args.map((a) => evaluate(a, ctx));
      return fn.call(
        args,
        node.args.map((a) => a.at),
        ctx,
      );
    }
    case "binary":
      if (node.op === "&&")
        return truthy(evaluate(node.left, ctx)) && truthy(evaluate(node.right, ctx));
      if (node.op === "||")
        return truthy(evaluate(node.left, ctx)) || truthy(evaluate(node.right, ctx));
      return binary(node.op, evaluate(node.left, ctx), evaluate(node.right, ctx), node.at);
  }
}

function equal(a: Value, b: Value): boolean {
  if (a === null || b === null) return a === b;
  if (typeof a === "object" && typeof b === "object") {
    if (a.t === "json" && b.t === "json")
      return JSON.stringify(a.value) === JSON.stringify(b.value);
    return a.t === b.t && "ms" in a && "ms" in b && a.ms === b.ms;
  }
  return a === b;
}

function binary(op: string, a: Value, b: Value, at: number): Value {
  if (op === "==") return equal(a, b);
  if (op === "!=") return !equal(a, b);
  if (a === null || b === null) return null;
  if (op === "<" || op === "<=" || op === ">" || op === ">=") {
    let x: number | string;
    let y: number | string;
    if (typeof a === "string" && typeof b === "string") [x, y] = [a, b];
    else if (isDateTime(a) && isDateTime(b)) [x, y] = [a.ms, b.ms];
    else if (isDuration(a) && isDuration(b)) [x, y] = [a.ms, b.ms];
    else [x, y] = [num(a, at, `'${op}'`) as number, num(b, at, `'${op}'`) as number];
    return op === "<" ? x < y : op === "<=" ? x <= y : op === ">" ? x > y : x >= y;
  }
  if (op === "+" && typeof a === "string" && typeof b === "string") return a + b;
  if (isDateTime(a) || isDateTime(b) || isDuration(a) || isDuration(b))
    return temporal(op, a, b, at);
  const x = num(a, at, `'${op}'`) as number;
  const y = num(b, at, `'${op}'`) as number;
  switch (op) {
    case "+":
      return finite(x + y);
    case "-":
      return finite(x - y);
    case "*":
      return finite(x * y);
    case "/":
      return y === 0 ? null : finite(x / y);
    default:
      return y === 0 ? null : finite(x % y);
  }
}

function temporal(op: string, a: Value, b: Value, at: number): Value {
  const dt = (ms: number): DateTime => ({ t: "datetime", ms });
  const du = (ms: number): Duration => ({ t: "duration", ms });
  if (op === "+") {
    if (isDateTime(a) && isDuration(b)) return dt(a.ms + b.ms);
    if (isDuration(a) && isDateTime(b)) return dt(a.ms + b.ms);
    if (isDuration(a) && isDuration(b)) return du(a.ms + b.ms);
  } else if (op === "-") {
    if (isDateTime(a) && isDateTime(b)) return du(a.ms - b.ms);
    if (isDateTime(a) && isDuration(b)) return dt(a.ms - b.ms);
    if (isDuration(a) && isDuration(b)) return du(a.ms - b.ms);
  } else if (op === "*") {
    if (isDuration(a) && (typeof b === "number" || typeof b === "boolean"))
      return du(a.ms * (num(b, at, "*") as number));
    if (isDuration(b) && (typeof a === "number" || typeof a === "boolean"))
      return du(b.ms * (num(a, at, "*") as number));
  } else if (op === "/") {
    if (isDuration(a) && isDuration(b)) return b.ms === 0 ? null : a.ms / b.ms;
    if (isDuration(a) && typeof b === "number") return b === 0 ? null : du(a.ms / b);
  }
  throw typeError(at, `'${op}' cannot combine a ${typeName(a)} and a ${typeName(b)}`);
}

/** The new score: a finite number, or null to drop the result. */
export function scoreOf(v: Value, at: number): number | null {
  if (v === null) return null;
  if (typeof v === "number") return Number.isFinite(v) ? v : null;
  if (typeof v === "boolean") return v ? 1 : 0;
  throw typeError(at, `the function must return a number, not a ${typeName(v)}`);
}
