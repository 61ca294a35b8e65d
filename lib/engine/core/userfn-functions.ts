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

/** Java DateTimeFormatter letters we support: digits each reads, and the field it sets. */
const DATE_FIELDS: Record<string, { min: number; max: number; field: string }> = {
  yyyy: { min: 4, max: 4, field: "year" },
  uuuu: { min: 4, max: 4, field: "year" },
  yy: { min: 2, max: 2, field: "year2" },
  MM: { min: 2, max: 2, field: "month" },
  M: { min: 1, max: 2, field: "month" },
  dd: { min: 2, max: 2, field: "day" },
  d: { min: 1, max: 2, field: "day" },
  HH: { min: 2, max: 2, field: "hour" },
  H: { min: 1, max: 2, field: "hour" },
  mm: { min: 2, max: 2, field: "minute" },
  m: { min: 1, max: 2, field: "minute" },
  ss: { min: 2, max: 2, field: "second" },
  s: { min: 1, max: 2, field: "second" },
  SSS: { min: 3, max: 3, field: "milli" },
};

/** One piece of a datetime pattern: a field of digits, or one literal character. */
type DatePart =
  | { kind: "digits"; min: number; max: number; field: string }
  | { kind: "text"; char: string };

const isDigit = (c: string | undefined) => c !== undefined && c >= "0" && c <= "9";
const isLetter = (c: string) => (c >= "A" && c <= "Z") || (c >= "a" && c <= "z");
const isDigitText = (p: DatePart) => p.kind === "text" && isDigit(p.char);

/** A pattern's parts: runs of one letter are fields, `'quoted'` and other characters literal. */
function datePatternParts(pattern: string, at: number): DatePart[] {
  const parts: DatePart[] = [];
  let i = 0;
  while (i < pattern.length) {
    const c = pattern[i] as string;
    if (c === "'") {
      const close = pattern.indexOf("'", i + 1);
      const end = close < 0 ? pattern.length : close;
      for (let k = i + 1; k < end; k++) parts.push({ kind: "text", char: pattern[k] as string });
      i = close < 0 ? pattern.length : close + 1;
      continue;
    }
    if (isLetter(c)) {
      let run = c;
      while (pattern[i + run.length] === c) run += c;
      const field = DATE_FIELDS[run];
      if (!field)
        throw new UserFnError(
          "Function error",
          at,
          `datetime_parse does not support the pattern '${run}'`,
        );
      parts.push({ kind: "digits", ...field });
      i += run.length;
      continue;
    }
    parts.push({ kind: "text", char: c });
    i++;
  }
  return parts;
}

/**
 * How many characters each part takes when `parts` (fields and digit literals) read
 * the digits `text[from, to)` exactly, or undefined when they cannot. Among the ways,
 * the one a backtracking matcher would find first: each field as long as the rest
 * still fits. Fields alone need only lengths (linear); digit literals pin characters,
 * so then feasibility is computed backwards as bit sets (BigInt) over the positions each
 * part may start at: O(parts × fields / 64) word operations, never exponential.
 */
function readDigits(
  text: string,
  from: number,
  to: number,
  parts: DatePart[],
): number[] | undefined {
  const n = to - from;
  const count = parts.length;
  const sufMin = new Array<number>(count + 1).fill(0);
  const sufMax = new Array<number>(count + 1).fill(0);
  for (let j = count - 1; j >= 0; j--) {
    const p = parts[j] as DatePart;
    sufMin[j] = (sufMin[j + 1] as number) + (p.kind === "digits" ? p.min : 1);
    sufMax[j] = (sufMax[j + 1] as number) + (p.kind === "digits" ? p.max : 1);
  }
  if (n < (sufMin[0] as number) || n > (sufMax[0] as number)) return undefined;
  const widths: number[] = [];
  if (!parts.some(isDigitText)) {
    let rest = n;
    parts.forEach((p, j) => {
      const min = p.kind === "digits" ? p.min : 1;
      let w = p.kind === "digits" ? p.max : 1;
      while (w > min && rest - w < (sufMin[j + 1] as number)) w--;
      widths.push(w);
      rest -= w;
    });
    return widths;
  }
  // feasible[j], bit b: parts j.. read text[from + low(j) + b, to) exactly.
  const low = (j: number) => Math.max(0, n - (sufMax[j] as number));
  const masks = new Map<string, bigint>();
  const maskOf = (char: string): bigint => {
    let mask = masks.get(char);
    if (mask === undefined) {
      let bits = "";
      for (let k = to - 1; k >= from; k--) bits += text[k] === char ? "1" : "0";
      mask = bits ? BigInt(`0b${bits}`) : 0n;
      masks.set(char, mask);
    }
    return mask;
  };
  const feasible = new Array<bigint>(count + 1);
  feasible[count] = 1n;
  for (let j = count - 1; j >= 0; j--) {
    const p = parts[j] as DatePart;
    const next = feasible[j + 1] as bigint;
    const shiftBase = low(j) - low(j + 1);
    let f = 0n;
    const [min, max] = p.kind === "digits" ? [p.min, p.max] : [1, 1];
    for (let w = min; w <= max; w++) {
      const shift = shiftBase + w;
      f |= shift >= 0 ? next >> BigInt(shift) : next << BigInt(-shift);
    }
    if (p.kind === "text") f &= maskOf(p.char) >> BigInt(low(j));
    const width = (sufMax[j] as number) - (sufMin[j] as number) + 1;
    f &= (1n << BigInt(width)) - 1n;
    if (f === 0n) return undefined;
    feasible[j] = f;
  }
  const can = (j: number, pos: number) => {
    const b = pos - low(j);
    return b >= 0 && ((feasible[j] as bigint) >> BigInt(b)) & 1n;
  };
  if (!can(0, 0)) return undefined;
  let pos = 0;
  parts.forEach((p, j) => {
    const min = p.kind === "digits" ? p.min : 1;
    let w = p.kind === "digits" ? p.max : 1;
    while (w > min && !can(j + 1, pos + w)) w--;
    widths.push(w);
    pos += w;
  });
  return widths;
}

/**
 * `datetime_parse(text, pattern)`: the whole trimmed text must match the pattern, or
 * the result is null. A hand parser (no regular expression is built from the
 * pattern), with the results of the backtracking RegExp it replaced but linear for
 * patterns whose literals are not digits: fields read only ASCII digits, so the text's other
 * characters must be the pattern's non-digit literals, one for one, in order; between
 * them, each run of digits is split among its fields (`readDigits`).
 */
function datetimeParse(input: string, pattern: string, at: number): Value {
  const parts = datePatternParts(pattern, at);
  const text = input.trim();
  const values: Array<[string, number]> = [];
  let pos = 0;
  let k = 0;
  for (;;) {
    let end = k;
    while (
      end < parts.length &&
      !((parts[end] as DatePart).kind === "text" && !isDigitText(parts[end] as DatePart))
    ) {
      end++;
    }
    let stop = pos;
    while (isDigit(text[stop])) stop++;
    const segment = parts.slice(k, end);
    const widths = readDigits(text, pos, stop, segment);
    if (!widths) return null;
    segment.forEach((p, j) => {
      const w = widths[j] as number;
      if (p.kind === "digits") values.push([p.field, Number(text.slice(pos, pos + w))]);
      pos += w;
    });
    const literal = parts[end];
    if (literal === undefined) {
      if (pos !== text.length) return null;
      break;
    }
    if (literal.kind !== "text" || text[pos] !== literal.char) return null;
    pos++;
    k = end + 1;
  }
  const v: Record<string, number> = {
    year: 1970,
    month: 1,
    day: 1,
    hour: 0,
    minute: 0,
    second: 0,
    milli: 0,
  };
  for (const [f, n] of values) {
    if (f === "year2") v.year = 2000 + n;
    else v[f] = n;
  }
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
