import {
  type Expr,
  LIMITS,
  type Node,
  Raw,
  type Ref,
  TemplateError,
  type Value,
  type VObject,
} from "./velocity-parse";

/**
 * The interpreter of the Velocity subset parsed by `velocity-parse.ts`: evaluates
 * references through `VObject`s, runs directives, and escapes interpolated values.
 * Output, loop iterations and nesting are bounded (`LIMITS`).
 */
export { parseTemplate, Raw, TemplateError, type Value, type VObject } from "./velocity-parse";

const UNRESOLVED = Symbol("unresolved");
type Result = Value | typeof UNRESOLVED;

class ListObject implements VObject {
  constructor(private readonly items: Value[]) {}
  call(name: string, args: Value[]): Value | undefined {
    if (name === "size") return this.items.length;
    if (name === "isEmpty") return this.items.length === 0;
    if (name === "get" && typeof args[0] === "number") return this.items[args[0]];
    return undefined;
  }
}

class ForeachObject implements VObject {
  constructor(
    private readonly i: number,
    private readonly n: number,
    readonly parent: Value,
  ) {}
  call(name: string): Value | undefined {
    const i = this.i;
    const props: Record<string, Value> = {
      index: i,
      count: i + 1,
      first: i === 0,
      last: i === this.n - 1,
      hasNext: i < this.n - 1,
      parent: this.parent,
    };
    const key = name.replace(/^(?:get|is)(?=[A-Z])/, "");
    const k = key.charAt(0).toLowerCase() + key.slice(1);
    return Object.hasOwn(props, k) ? props[k] : undefined;
  }
}

function stringMethod(s: string, name: string, args: Value[]): Value | undefined {
  const [a, b] = args;
  switch (name) {
    case "length":
      return s.length;
    case "isEmpty":
      return s.length === 0;
    case "trim":
      return s.trim();
    case "toUpperCase":
      return s.toUpperCase();
    case "toLowerCase":
      return s.toLowerCase();
    case "contains":
      return typeof a === "string" ? s.includes(a) : undefined;
    case "startsWith":
      return typeof a === "string" ? s.startsWith(a) : undefined;
    case "endsWith":
      return typeof a === "string" ? s.endsWith(a) : undefined;
    case "replace":
      return typeof a === "string" && typeof b === "string" ? s.replaceAll(a, b) : undefined;
    case "substring":
      return typeof a === "number"
        ? s.substring(a, typeof b === "number" ? b : undefined)
        : undefined;
    default:
      return undefined;
  }
}

function isVObject(v: Value): v is VObject {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Raw);
}

export function truthy(v: Result): boolean {
  if (v === UNRESOLVED || v === null || v === false) return false;
  if (v === "" || v === 0) return false;
  if (Array.isArray(v)) return v.length > 0;
  if (v instanceof Raw) return v.text !== "";
  return true;
}

export function display(v: Value): string {
  if (v === null) return "";
  if (v instanceof Raw) return v.text;
  if (typeof v === "number") return Number.isInteger(v) ? String(v) : String(v);
  if (typeof v === "string" || typeof v === "boolean") return String(v);
  if (Array.isArray(v)) return `[${v.map(display).join(", ")}]`;
  const s = v.call("toString", []);
  return typeof s === "string" ? s : "";
}

export interface RenderOptions {
  variables: Record<string, Value>;
  /** Applied to every interpolated value that is not Raw. */
  escape: (s: string) => string;
}

export function render(nodes: Node[], options: RenderOptions, src: string): string {
  const vars = new Map<string, Value>(Object.entries(options.variables));
  let out = "";
  let iterations = 0;
  const fail = (message: string, at: number): never => {
    const before = src.slice(0, at);
    throw new TemplateError(message, before.split("\n").length, at - before.lastIndexOf("\n"));
  };

  const evalRef = (ref: Ref): Result => {
    if (!vars.has(ref.name)) return UNRESOLVED;
    let v: Value = vars.get(ref.name) as Value;
    for (const step of ref.steps) {
      let next: Value | undefined;
      if (step.kind === "index") {
        const i = evalExpr(step.e);
        if (Array.isArray(v) && typeof i === "number") next = v[i < 0 ? v.length + i : i];
        else if (isVObject(v) && typeof i === "string") next = v.call("get", [i]);
      } else {
        const args = step.kind === "call" ? step.args.map((a) => toPlain(evalExpr(a))) : [];
        next = invoke(v, step.name, args, step.kind === "prop");
      }
      if (next === undefined) return UNRESOLVED;
      v = next;
    }
    return v;
  };

  const invoke = (v: Value, name: string, args: Value[], prop: boolean): Value | undefined => {
    if (typeof v === "string") return stringMethod(v, name, args);
    if (Array.isArray(v)) return new ListObject(v).call(name, args);
    if (!isVObject(v)) return undefined;
    const direct = v.call(name, args);
    if (direct !== undefined || !prop) return direct;
    // Velocity's property lookup: $x.foo → getFoo(), isFoo(), get("foo").
    const cap = name.charAt(0).toUpperCase() + name.slice(1);
    return v.call(`get${cap}`, []) ?? v.call(`is${cap}`, []) ?? v.call("get", [name]);
  };

  const toPlain = (r: Result): Value => (r === UNRESOLVED ? null : r);

  const evalExpr = (e: Expr): Result => {
    switch (e.k) {
      case "lit":
        return e.v;
      case "ref":
        return evalRef(e.ref);
      case "list":
        return e.items.map((i) => toPlain(evalExpr(i)));
      case "un": {
        const v = evalExpr(e.e);
        if (e.op === "!") return !truthy(v);
        return typeof v === "number" ? -v : UNRESOLVED;
      }
      case "bin": {
        if (e.op === "&&") return truthy(evalExpr(e.a)) && truthy(evalExpr(e.b));
        if (e.op === "||") return truthy(evalExpr(e.a)) || truthy(evalExpr(e.b));
        const a = toPlain(evalExpr(e.a));
        const b = toPlain(evalExpr(e.b));
        if (e.op === "==" || e.op === "!=") {
          const same =
            typeof a === typeof b || a === null || b === null ? a === b : display(a) === display(b);
          return e.op === "==" ? same : !same;
        }
        if (e.op === "+" && (typeof a === "string" || typeof b === "string")) {
          return a === null || b === null ? UNRESOLVED : display(a) + display(b);
        }
        if (typeof a !== "number" || typeof b !== "number") {
          if (
            ["<", ">", "<=", ">="].includes(e.op) &&
            typeof a === "string" &&
            typeof b === "string"
          ) {
            return compare(e.op, a < b ? -1 : a > b ? 1 : 0);
          }
          return UNRESOLVED;
        }
        const ints = Number.isInteger(a) && Number.isInteger(b);
        switch (e.op) {
          case "+":
            return a + b;
          case "-":
            return a - b;
          case "*":
            return a * b;
          case "/":
            if (b === 0) return fail("division by zero", e.at);
            return ints ? Math.trunc(a / b) : a / b;
          case "%":
            if (b === 0) return fail("division by zero", e.at);
            return a % b;
          default:
            return compare(e.op, a - b);
        }
      }
    }
  };

  const emit = (s: string) => {
    out += s;
    if (out.length > LIMITS.outputChars) {
      throw new TemplateError(`the rendered prompt is over ${LIMITS.outputChars} characters`, 1, 1);
    }
  };

  const run = (nodes: Node[]): void => {
    for (const node of nodes) {
      switch (node.k) {
        case "text":
          emit(node.text);
          break;
        case "ref": {
          const v = evalRef(node.ref);
          if (v === UNRESOLVED || v === null)
            emit(node.ref.silent ? "" : options.escape(node.ref.source));
          else emit(v instanceof Raw ? v.text : options.escape(display(v)));
          break;
        }
        case "set":
          vars.set(node.name, toPlain(evalExpr(node.e)));
          break;
        case "if": {
          const branch = node.branches.find((b) => b.cond === null || truthy(evalExpr(b.cond)));
          if (branch) run(branch.body);
          break;
        }
        case "foreach": {
          const list = toPlain(evalExpr(node.e));
          const items = Array.isArray(list) ? list : list === null ? [] : [list];
          const saved = {
            x: vars.get(node.name),
            has: vars.has(node.name),
            f: vars.get("foreach") ?? null,
          };
          items.forEach((item, i) => {
            if (++iterations > LIMITS.iterations) fail("#foreach ran too many times", node.at);
            vars.set(node.name, item);
            vars.set("foreach", new ForeachObject(i, items.length, saved.f));
            vars.set("velocityCount", i + 1);
            run(node.body);
          });
          if (saved.has) vars.set(node.name, saved.x as Value);
          else vars.delete(node.name);
          vars.set("foreach", saved.f);
          break;
        }
      }
    }
  };
  run(nodes);
  return out;
}

function compare(op: string, d: number): boolean {
  if (op === "<") return d < 0;
  if (op === ">") return d > 0;
  if (op === "<=") return d <= 0;
  return d >= 0;
}
