import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { EngineError } from "@/lib/engine/core/errors";
import { compileUserFunction } from "@/lib/engine/core/userfn";

const NOW = Date.parse("2026-03-01T12:00:00Z");
const RESULT = {
  score: 0.8,
  text: "Our café serves espresso",
  document_id: "doc-1",
  document_metadata: {
    boost: 1.5,
    promoted: true,
    category: "blog",
    published: "2026-02-01T12:00:00Z",
    day: "2026 02 09",
    reviews: [{ score: 4 }, { score: 2 }],
    "odd key": 7,
  },
  part_metadata: { lang: "fra", stars: 4.5 },
};

const score = (source: string, result: Record<string, unknown> = RESULT) =>
  compileUserFunction(source, "body.search.reranker.user_function").score(result, NOW);

function failure(source: string, result: Record<string, unknown> = RESULT): EngineError {
  try {
    score(source, result);
  } catch (error) {
    if (error instanceof EngineError) return error;
    throw error;
  }
  throw new Error(`expected ${source} to fail`);
}

describe("user function language", () => {
  it("reads result fields with get(), with defaults and JSON paths", () => {
    expect(score("get('$.score')")).toBe(0.8);
    expect(score("get('$.score') * get('$.document_metadata.boost')")).toBeCloseTo(1.2);
    expect(score("get('$.document_metadata.reviews[0].score', 0)")).toBe(4);
    expect(score("get('$.document_metadata.reviews[9].score', 0)")).toBe(0);
    expect(score(`get('$["document_metadata"]["odd key"]')`)).toBe(7);
    expect(score("get('$.document_metadata.  boost  ')")).toBe(1.5);
  });

  it("has arithmetic with precedence, comparisons, logic and booleans as 1/0", () => {
    expect(score("1 + 2 * 3 - 4 / 2")).toBe(5);
    expect(score("(1 + 2) * 3 % 4")).toBe(1);
    expect(score("-2 + +3")).toBe(1);
    expect(score("get('$.score') + get('$.document_metadata.promoted')")).toBeCloseTo(1.8);
    expect(
      score("1 < 2 && 2 <= 2 && 3 > 2 && 3 >= 3 && 1 == 1 && 1 != 2 && 'a' === 'a' && !false"),
    ).toBe(1);
    expect(score("false || 0")).toBe(0);
    expect(score("'b' > 'a'")).toBe(1);
  });

  it("supports every spelling of if, and the ternary", () => {
    expect(
      score("if (get('$.part_metadata.lang') == 'fra') get('$.score') * 2 else get('$.score')"),
    ).toBe(1.6);
    expect(score("if(get('$.part_metadata.lang') == 'eng', 1, 2)")).toBe(2);
    expect(score("if get('$.document_metadata.boost') > 1 then 10 else 20")).toBe(10);
    expect(score("if (get('$.document_metadata.boost')) > 1 then 10 else 20")).toBe(10);
    expect(score("get('$.document_metadata.category') === 'blog' ? get('$.score') : null")).toBe(
      0.8,
    );
  });

  it("returns null (dropping the result) for missing fields, null and division by zero", () => {
    expect(score("get('$.document_metadata.missing')")).toBeNull();
    expect(score("get('$.score') * get('$.document_metadata.missing')")).toBeNull();
    expect(score("if (get('$.score') < 0.9) null else 1")).toBeNull();
    expect(score("1 / 0")).toBeNull();
    expect(score("5 % 0")).toBeNull();
    expect(score("ln(0)")).toBeNull();
    expect(score("coalesce(get('$.document_metadata.missing'), 3)")).toBe(3);
  });

  it("has math functions", () => {
    expect(score("abs(-123)")).toBe(123);
    expect(score("power(2, 3) + pow(2, 2)")).toBe(12);
    expect(score("min(1, 2) + max(1, 2, 5)")).toBe(6);
    expect(score("sqrt(64) + trunc(1.9) + sign(-4)")).toBe(8);
    expect(score("log(2, 16)")).toBe(4);
    expect(score("log10(100) + ln(exp(1)) + log(exp(2))")).toBe(5);
    expect(score("sind(90) + cosd(180) + tand(45)")).toBeCloseTo(1);
    expect(score("degrees(radians(180))")).toBeCloseTo(180);
    expect(score("floor(2.7) + ceil(2.1) + round(2.5)")).toBe(8);
  });

  it("has datetimes and durations", () => {
    expect(score("to_unix_timestamp(now())")).toBe(NOW / 1000);
    expect(score("as_days(now() - iso_datetime_parse(get('$.document_metadata.published')))")).toBe(
      28,
    );
    expect(score("hours(now() - iso_datetime_parse('2026-03-01T10:00:00Z'))")).toBe(2);
    expect(score("seconds(minutes(1))")).toBe(60);
    expect(score("if (now() < iso_datetime_parse('2024-12-04T10:14:50Z')) 1 else 2")).toBe(2);
    expect(score("now() - hours(1) < now() && hours(2) > minutes(90)")).toBe(1);
    expect(
      score("to_unix_timestamp(datetime_parse(get('$.document_metadata.day'), 'yyyy MM dd'))"),
    ).toBe(Date.UTC(2026, 1, 9) / 1000);
    expect(score("iso_datetime_parse('not a date')")).toBeNull();
    expect(score("to_unix_timestamp(iso_date_time_parse('2026-01-01'))")).toBe(
      Date.UTC(2026, 0, 1) / 1000,
    );
  });

  it("reports syntax, function and type errors as 400s with their position", () => {
    const cases: Array<[string, RegExp]> = [
      ["", /Syntax error at 1:1: the function is empty/],
      ["get('$.score' *", /Syntax error at 1:16/],
      ["1 +", /Syntax error at 1:4/],
      ["(1", /expected '\)'/],
      ["frobnicate(1)", /Function error at 1:1: unknown function 'frobnicate'/],
      ["score * 2", /Syntax error at 1:1: unknown name 'score'/],
      ["abs(1, 2)", /abs\(\) takes 1 argument, not 2/],
      ["get('$..x')", /not a supported JSON path/],
      ["get(1)", /Type error/],
      ["'a' * 2", /Type error at 1:5/],
      ["get('$.text')", /must return a number, not a string/],
      ["now()", /must return a number, not a datetime/],
      ["1 # 2", /unexpected character '#'/],
      ["'open", /unterminated string/],
      ["if (1) 2", /expected 'else'/],
      ["2x", /after a number/],
      ["\n  1 +\n  * 2", /Syntax error at 3:3/],
      ["datetime_parse('2020', 'QQQ')", /does not support the pattern 'QQQ'/],
      [`${"(".repeat(200)}1${")".repeat(200)}`, /nested/],
      [Array.from({ length: 600 }, () => "1").join("+"), /nested too deeply/],
      ["x".repeat(10_001), /longer than 10000/],
    ];
    for (const [source, message] of cases) {
      const error = failure(source);
      expect(error.status, source).toBe(400);
      expect(error.details.fieldErrors?.["body.search.reranker.user_function"], source).toMatch(
        message,
      );
    }
  });

  it("never throws anything but a 400 EngineError, whatever the input", () => {
    const tokens = fc.constantFrom(
      "get('$.score')",
      "get('$.document_metadata.boost', 1)",
      "get('$.text')",
      "now()",
      "hours(1)",
      "1",
      "0",
      "'a'",
      "null",
      "true",
      "(",
      ")",
      ",",
      "+",
      "-",
      "*",
      "/",
      "%",
      "<",
      "==",
      "!",
      "&&",
      "||",
      "?",
      ":",
      "if",
      "then",
      "else",
      "abs(",
      "log(",
      "min(",
      "iso_datetime_parse(",
      " ",
    );
    const check = (source: string) => {
      try {
        const s = score(source);
        expect(s === null || Number.isFinite(s)).toBe(true);
      } catch (error) {
        expect(error).toBeInstanceOf(EngineError);
        expect((error as EngineError).status).toBe(400);
      }
    };
    fc.assert(fc.property(fc.string({ maxLength: 80 }), check), { numRuns: 500 });
    fc.assert(fc.property(fc.string({ maxLength: 40, unit: "binary" }), check), { numRuns: 300 });
    fc.assert(
      fc.property(fc.array(tokens, { maxLength: 25 }), (parts) => check(parts.join(""))),
      { numRuns: 1500 },
    );
  });
});

/** datetime_parse as it was: a backtracking RegExp built from the pattern (the oracle). */
function regexDatetimeParse(text: string, pattern: string): number | null {
  const parts: Record<string, [string, string]> = {
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
  const literal = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  let regex = "^";
  const fields: string[] = [];
  let i = 0;
  while (i < pattern.length) {
    const c = pattern[i] as string;
    if (c === "'") {
      const close = pattern.indexOf("'", i + 1);
      regex += literal(close < 0 ? pattern.slice(i + 1) : pattern.slice(i + 1, close));
      i = close < 0 ? pattern.length : close + 1;
    } else if (/[A-Za-z]/.test(c)) {
      let run = c;
      while (pattern[i + run.length] === c) run += c;
      const part = parts[run];
      if (!part) throw new Error(`unsupported ${run}`);
      regex += part[0];
      fields.push(part[1]);
      i += run.length;
    } else {
      regex += literal(c);
      i++;
    }
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
  return Number.isNaN(ms) ? null : ms / 1000;
}

describe("datetime_parse", () => {
  const lit = (s: string) => `'${s.replaceAll("'", "''")}'`;
  /** Seconds since the epoch, milliseconds as the fraction, or null. */
  const parse = (text: string, pattern: string) =>
    score(
      `as_seconds(datetime_parse(${lit(text)}, ${lit(pattern)}) - datetime_parse('1970', 'yyyy'))`,
    );

  it("reads the supported letters, quoted and plain literals", () => {
    expect(parse("2026-02-09", "yyyy-MM-dd")).toBe(Date.UTC(2026, 1, 9) / 1000);
    expect(parse(" 9.2.26 7:05:03.250 ", "d.M.yy H:mm:ss.SSS")).toBe(
      Date.UTC(2026, 1, 9, 7, 5, 3, 250) / 1000,
    );
    expect(parse("20260209T0705", "uuuuMMdd'T'HHmm")).toBe(Date.UTC(2026, 1, 9, 7, 5) / 1000);
    expect(parse("(2026)", "(yyyy)")).toBe(Date.UTC(2026, 0, 1) / 1000);
    expect(parse("2026-2-9", "yyyy-MM-dd")).toBeNull();
    expect(parse("2026-02-09x", "yyyy-MM-dd")).toBeNull();
    expect(parse("２０２６", "yyyy")).toBeNull(); // ASCII digits only, as `\d` was
  });

  it("splits digits among adjacent fields as the backtracking matcher did: each as long as the rest fits", () => {
    expect(parse("111", "dM")).toBe(Date.UTC(1970, 0, 11) / 1000); // d=11, M=1
    expect(parse("11", "dM")).toBe(Date.UTC(1970, 0, 1) / 1000); // d=1, M=1
    expect(parse("1212", "d1M")).toBe(Date.UTC(1970, 1, 12) / 1000); // d=12, '1', M=2
    expect(parse("2102", "d1M")).toBe(Date.UTC(1970, 1, 2) / 1000); // d=2, '1', M=02
    expect(parse("11111", "dM")).toBeNull();
  });

  it("answers a long ambiguous pattern (dMdM…) at once, with the same result and errors", () => {
    const pattern = "dM".repeat(13);
    // Twenty-seven digits for 26 fields: the first field takes two, the rest one each.
    expect(parse(`${"1".repeat(26)}2`, pattern)).toBe(Date.UTC(1970, 1, 1) / 1000);
    // No way to match: a backtracking matcher tried every split before giving up.
    expect(parse(`${"1".repeat(40)}x`, pattern)).toBeNull();
    expect(parse("1".repeat(40), `${pattern}'2'`)).toBeNull();
    // 39 digits for 26 fields: the first 13 take two, the last day and month one each.
    expect(parse(`${"1".repeat(39)}2`, `${pattern}'2'`)).toBe(0);
    expect(failure(`datetime_parse('1', '${pattern}Q')`).message).toMatch(
      /does not support the pattern 'Q'/,
    );
  });

  it("agrees with the regular-expression implementation it replaced", () => {
    const patternTokens = fc.constantFrom(
      "d",
      "dd",
      "M",
      "MM",
      "yy",
      "yyyy",
      "H",
      "m",
      "s",
      "SSS",
      "-",
      ".",
      ":",
      " ",
      "1",
      "0",
      "'T'",
      "'1'",
      "''",
      "'",
      "(",
      "$",
    );
    const textTokens = fc.constantFrom("1", "2", "0", "12", "-", ".", " ", "T", "x");
    /** What each pattern token may read, so that most generated texts nearly match. */
    const reads: Record<string, string[]> = {
      d: ["1", "12", "31", "0"],
      M: ["2", "11", "1"],
      H: ["7", "23"],
      m: ["5", "59"],
      s: ["0", "10"],
      dd: ["09", "11"],
      MM: ["02", "10"],
      yy: ["26", "01"],
      yyyy: ["2026", "1999"],
      SSS: ["250", "001"],
      "'T'": ["T"],
      "'1'": ["1"],
      "''": [""],
      "'": [""],
    };
    fc.assert(
      fc.property(
        fc.array(fc.tuple(patternTokens, fc.nat(3)), { maxLength: 8 }),
        fc.array(textTokens, { maxLength: 3 }),
        fc.nat(24),
        (pieces, noise, at) => {
          const pattern = pieces.map(([token]) => token).join("");
          const aligned = pieces
            .map(([token, k]) => {
              const options = reads[token] ?? [token];
              return options[k % options.length];
            })
            .join("");
          // Two texts in three get noise inserted somewhere.
          const text =
            at % 3 === 0 ? aligned : `${aligned.slice(0, at)}${noise.join("")}${aligned.slice(at)}`;
          const outcome = (run: () => number | null) => {
            try {
              return run();
            } catch (error) {
              return /(?:pattern|unsupported) '?(\w+)/.exec((error as Error).message)?.[1];
            }
          };
          expect(
            outcome(() => parse(text, pattern)),
            `${text} / ${pattern}`,
          ).toBe(outcome(() => regexDatetimeParse(text, pattern)));
        },
      ),
      { numRuns: 3000 },
    );
  });
});
