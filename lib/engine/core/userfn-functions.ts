import {
  type EvalContext,
  finite,
  fromJson,
  isDateTime,
  isDuration,
  num,
  parseJsonPath,
  readPath,
  typeError,
  typeName,
  UserFnError,
  type Value,
} from "./userfn-values";

/**
 * The built-in functions of the user-function language: `get`, time functions
 * (datetimes and durations in milliseconds) and math, with their arities. A
 * function given null returns null; a wrong type is a Type error.
 */
export interface Fn {
  min: number;
  max: number;
  call(args: Value[], at: number[], ctx: EvalContext): Value;
}

const math1 = (f: (x: number) => number): Fn => ({
  min: 1,
  max: 1,
  call: ([x], at) => {
    const n = num(x ?? null, at[0] ?? 0, "this function");
    return n === null ? null : finite(f(n));
  },
});
const RAD = Math.PI / 180;

function durationFn(unitMs: number): Fn {
  return {
    min: 1,
    max: 1,
    call: ([x], at) => {
      if (x === null || x === undefined) return null;
      if (isDuration(x)) return x.ms / unitMs;
      const n = num(x, at[0] ?? 0, "a duration");
      return n === null ? null : { t: "duration", ms: n * unitMs };
    },
  };
}

function asUnit(unitMs: number): Fn {
  return {
    min: 1,
    max: 1,
    call: ([x], at) => {
      if (x === null || x === undefined) return null;
      if (!isDuration(x)) throw typeError(at[0] ?? 0, `needs a duration, not a ${typeName(x)}`);
      return x.ms / unitMs;
    },
  };
}

const ISO =
  /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)?(?:Z|[+-]\d{2}:?\d{2})?$/i;

function parseIso(s: string): Value {
  const text = s.trim();
  if (!ISO.test(text)) return null;
  const hasZone = /(?:Z|[+-]\d{2}:?\d{2})$/i.test(text) && text.length > 10;
  const ms = Date.parse(hasZone || text.length === 10 ? text : `${text}Z`);
  return Number.isNaN(ms) ? null : { t: "datetime", ms };
}

/** Java DateTimeFormatter letters we support; the rest of a pattern is literal. */
const PATTERN_PARTS: Record<string, [string, string]> = {
  yyyy: ["(\\d{4})", "year"],
  uuuu: ["(\\d{4})", "year"],
  yy: ["(\\d{2})", "year2"],
  MM: ["(\\d{2})", "month"],
  M: ["(\\d{1,2})", "month"],
  dd: ["(\\d{2})", "day"],
  d: ["(\\d{1,2})", "day"],
  HH: ["(\\d{2})", "hour"],
  H: ["(\\d{1,2})", "hour"],
  mm: ["(\\d{2})", "minute"],
  m: ["(\\d{1,2})", "minute"],
  ss: ["(\\d{2})", "second"],
  s: ["(\\d{1,2})", "second"],
  SSS: ["(\\d{3})", "milli"],
};

function datetimeParse(text: string, pattern: string, at: number): Value {
  let regex = "^";
  const fields: string[] = [];
  let i = 0;
  while (i < pattern.length) {
    const c = pattern[i] as string;
    if (c === "'") {
      const close = pattern.indexOf("'", i + 1);
      const literal = close < 0 ? pattern.slice(i + 1) : pattern.slice(i + 1, close);
      regex += literal.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      i = close < 0 ? pattern.length : close + 1;
      continue;
    }
    if (/[A-Za-z]/.test(c)) {
      let run = c;
      while (pattern[i + run.length] === c) run += c;
      const part = PATTERN_PARTS[run];
      if (!part)
        throw new UserFnError(
          "Function error",
          at,
          `datetime_parse does not support the pattern '${run}'`,
        );
      regex += part[0];
      fields.push(part[1]);
      i += run.length;
      continue;
    }
    regex += c.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    i++;
  }
  const m = new RegExp(`${regex}$`).exec(text.trim());
  if (!m) return null;
  const v: Record<string, number> = {
    year: 1970,
    month: 1,
    day: 1,
    hour: 0,
    minute: 0,
    second: 0,
    milli: 0,
  };
  fields.forEach((f, k) => {
    const n = Number(m[k + 1]);
    if (f === "year2") v.year = 2000 + n;
    else v[f] = n;
  });
  const ms = Date.UTC(
    v.year as number,
    (v.month as number) - 1,
    v.day,
    v.hour,
    v.minute,
    v.second,
    v.milli,
  );
  return Number.isNaN(ms) ? null : { t: "datetime", ms };
}

export const FUNCTIONS: Record<string, Fn> = {
  get: {
    min: 1,
    max: 2,
    call: ([path, fallback], at, ctx) => {
      if (typeof path !== "string")
        throw typeError(at[0] ?? 0, "get() takes a JSON path string such as '$.score'");
      const steps = parseJsonPath(path);
      if (!steps) throw new UserFnError("Syntax error", at[0] ?? 0, "not a supported JSON path");
      const v = fromJson(readPath(ctx.result, steps));
      return v === null && fallback !== undefined ? fallback : v;
    },
  },
  now: { min: 0, max: 0, call: (_a, _at, ctx) => ({ t: "datetime", ms: ctx.now }) },
  iso_datetime_parse: {
    min: 1,
    max: 1,
    call: ([s], at) => {
      if (s === null || s === undefined) return null;
      if (typeof s !== "string")
        throw typeError(at[0] ?? 0, `iso_datetime_parse needs a string, not a ${typeName(s)}`);
      return parseIso(s);
    },
  },
  datetime_parse: {
    min: 2,
    max: 2,
    call: ([s, pattern], at) => {
      if (s === null || s === undefined) return null;
      if (typeof s !== "string" || typeof pattern !== "string") {
        throw typeError(at[0] ?? 0, "datetime_parse needs a string and a pattern string");
      }
      return datetimeParse(s, pattern, at[1] ?? 0);
    },
  },
  to_unix_timestamp: {
    min: 1,
    max: 1,
    call: ([d], at) => {
      if (d === null || d === undefined) return null;
      if (!isDateTime(d))
        throw typeError(at[0] ?? 0, `to_unix_timestamp needs a datetime, not a ${typeName(d)}`);
      return Math.floor(d.ms / 1000);
    },
  },
  seconds: durationFn(1000),
  minutes: durationFn(60_000),
  hours: durationFn(3_600_000),
  days: durationFn(86_400_000),
  as_seconds: asUnit(1000),
  as_minutes: asUnit(60_000),
  as_hours: asUnit(3_600_000),
  as_days: asUnit(86_400_000),
  abs: math1(Math.abs),
  sqrt: math1(Math.sqrt),
  trunc: math1(Math.trunc),
  floor: math1(Math.floor),
  ceil: math1(Math.ceil),
  round: math1(Math.round),
  sign: math1(Math.sign),
  exp: math1(Math.exp),
  ln: math1(Math.log),
  log10: math1(Math.log10),
  log2: math1(Math.log2),
  radians: math1((x) => x * RAD),
  degrees: math1((x) => x / RAD),
  sin: math1(Math.sin),
  cos: math1(Math.cos),
  tan: math1(Math.tan),
  sind: math1((x) => Math.sin(x * RAD)),
  cosd: math1((x) => Math.cos(x * RAD)),
  tand: math1((x) => Math.tan(x * RAD)),
  log: {
    min: 1,
    max: 2,
    call: (args, at) => {
      const ns = args.map((a, k) => num(a, at[k] ?? 0, "log"));
      if (ns.some((n) => n === null)) return null;
      const [a, b] = ns as number[];
      return finite(b === undefined ? Math.log(a as number) : Math.log(b) / Math.log(a as number));
    },
  },
  power: {
    min: 2,
    max: 2,
    call: ([a, b], at) => {
      const x = num(a ?? null, at[0] ?? 0, "power");
      const y = num(b ?? null, at[1] ?? 0, "power");
      return x === null || y === null ? null : finite(x ** y);
    },
  },
  min: { min: 2, max: Number.POSITIVE_INFINITY, call: (args, at) => extreme(args, at, -1) },
  max: { min: 2, max: Number.POSITIVE_INFINITY, call: (args, at) => extreme(args, at, 1) },
  coalesce: {
    min: 1,
    max: Number.POSITIVE_INFINITY,
    call: (args) => args.find((a) => a !== null) ?? null,
  },
};
FUNCTIONS.pow = FUNCTIONS.power as Fn;
FUNCTIONS.iso_date_time_parse = FUNCTIONS.iso_datetime_parse as Fn;

function extreme(args: Value[], at: number[], dir: 1 | -1): Value {
  let best: number | null = null;
  for (let k = 0; k < args.length; k++) {
    const n = num(args[k] ?? null, at[k] ?? 0, dir > 0 ? "max" : "min");
    if (n === null) return null;
    if (best === null || (dir > 0 ? n > best : n < best)) best = n;
  }
  return best;
}
