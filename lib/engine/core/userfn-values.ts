/**
 * Values and evaluation of the user-function language. Types: number, string,
 * boolean, null, datetime and duration (both in milliseconds), plus JSON objects
 * and arrays that `get` may return. `null` propagates through arithmetic and
 * comparisons (a missing field makes the score null, which drops the result);
 * booleans count as 1 and 0 in arithmetic (Vectara's own example adds
 * `get('$.document_metadata.promoted')` to a score); division by zero is null.
 * Anything else that mixes types is a Type error.
 */
export class UserFnError extends Error {
  override name = "UserFnError";
  constructor(
    readonly kind: "Syntax error" | "Type error" | "Function error",
    readonly offset: number,
    readonly detail: string,
  ) {
    super(`${kind} at offset ${offset}: ${detail}`);
  }
}

export type DateTime = { t: "datetime"; ms: number };
export type Duration = { t: "duration"; ms: number };
export type Value =
  | number
  | string
  | boolean
  | null
  | DateTime
  | Duration
  | { t: "json"; value: unknown };

export interface EvalContext {
  /** The search result as JSON: score, text, document_metadata, part_metadata, document_id… */
  result: Record<string, unknown>;
  /** `now()`, fixed for the whole request. */
  now: number;
}

export const isDateTime = (v: Value): v is DateTime =>
  typeof v === "object" && v !== null && v.t === "datetime";
export const isDuration = (v: Value): v is Duration =>
  typeof v === "object" && v !== null && v.t === "duration";

export function typeName(v: Value): string {
  if (v === null) return "null";
  if (typeof v === "object")
    return v.t === "json" ? (Array.isArray(v.value) ? "array" : "object") : v.t;
  return typeof v;
}

export const typeError = (at: number, detail: string) => new UserFnError("Type error", at, detail);

export function num(v: Value, at: number, what: string): number | null {
  if (v === null) return null;
  if (typeof v === "number") return v;
  if (typeof v === "boolean") return v ? 1 : 0;
  throw typeError(at, `${what} needs a number, not a ${typeName(v)}`);
}

export function truthy(v: Value): boolean {
  if (v === null) return false;
  if (typeof v === "boolean") return v;
  if (typeof v === "number") return v !== 0 && !Number.isNaN(v);
  if (typeof v === "string") return v !== "";
  return true;
}

// ------------------------------------------------------------------ JSON paths

export type PathStep = string | number;

/** `$`, `.name`, `['name']`, `["name"]`, `[0]`; undefined when unsupported. */
export function parseJsonPath(path: string): PathStep[] | undefined {
  const p = path.trim();
  if (!p.startsWith("$")) return undefined;
  const steps: PathStep[] = [];
  let i = 1;
  while (i < p.length) {
    const rest = p.slice(i);
    const dot = /^\.\s*([^.[\]]+?)\s*(?=[.[]|$)/.exec(rest);
    if (dot) {
      steps.push(dot[1] as string);
      i += dot[0].length;
      continue;
    }
    const index = /^\[\s*(\d+)\s*\]/.exec(rest);
    if (index) {
      steps.push(Number(index[1]));
      i += index[0].length;
      continue;
    }
    const key = /^\[\s*(?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)")\s*\]/.exec(rest);
    if (key) {
      steps.push((key[1] ?? key[2] ?? "").replace(/\\(.)/g, "$1"));
      i += key[0].length;
      continue;
    }
    return undefined;
  }
  return steps;
}

export function readPath(root: unknown, steps: PathStep[]): unknown {
  let v: unknown = root;
  for (const s of steps) {
    if (v === null || typeof v !== "object") return undefined;
    if (typeof s === "number") {
      if (!Array.isArray(v)) return undefined;
      v = v[s];
    } else {
      if (Array.isArray(v) || !Object.hasOwn(v, s)) return undefined;
      v = (v as Record<string, unknown>)[s];
    }
  }
  return v;
}

export function fromJson(v: unknown): Value {
  if (v === undefined || v === null) return null;
  if (typeof v === "number") return Number.isFinite(v) ? v : null;
  if (typeof v === "string" || typeof v === "boolean") return v;
  if (typeof v === "bigint") return Number(v);
  return { t: "json", value: v };
}

/** A finite number, or null. */
export const finite = (n: number): number | null => (Number.isFinite(n) ? n : null);
