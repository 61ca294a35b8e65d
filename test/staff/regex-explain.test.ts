import { RE2JS } from "re2js";
import { describe, expect, it } from "vitest";
import { explainRegexError } from "@/lib/staff/regex-explain";

/** What the console says about `pattern`: RE2 must refuse it. */
function explain(pattern: string): string {
  try {
    RE2JS.compile(pattern);
  } catch (error) {
    return explainRegexError(pattern, error as { error?: unknown; input?: unknown });
  }
  throw new Error(`RE2 accepted ${pattern}`);
}

describe("explainRegexError", () => {
  it("names an unclosed parenthesis and where it opens", () => {
    expect(explain("password (reset")).toBe(
      "The pattern has an unclosed parenthesis “(” at position 10: close it with “)”, or write \\( to search for a parenthesis.",
    );
    // The one left open, not an earlier closed one nor one in a class or escaped.
    expect(explain("(a)[(]\\((b")).toMatch(/“\(” at position 9:/);
  });

  it("names a closing parenthesis with no opening one", () => {
    expect(explain("reset)")).toMatch(/closing parenthesis “\)” at position 6 with no “\(”/);
  });

  it("names an unmatched bracket", () => {
    expect(explain("refund [abc")).toMatch(
      /^The pattern has an unmatched bracket “\[” at position 8:/,
    );
  });

  it("says there is nothing to repeat before *, + or ?", () => {
    expect(explain("*reset")).toBe(
      "There is nothing to repeat before “*” at position 1: put it after a character or a group, or write \\* to search for “*” itself.",
    );
    expect(explain("a|+b")).toMatch(/nothing to repeat before “\+” at position 3/);
  });

  it("explains a repeated repetition, a bad count and an unknown escape", () => {
    expect(explain("a**")).toMatch(/repetition “\*\*” at position 2 repeats a repetition/);
    expect(explain("a{3,2}")).toMatch(/count “\{3,2\}” at position 2 is not valid/);
    expect(explain("\\q")).toMatch(/^“\\q” at position 1 is not an escape RE2 knows/);
    expect(explain("abc\\")).toMatch(/ends with a lone backslash/);
  });

  it("explains bad ranges, unknown classes, named groups and unsupported syntax", () => {
    expect(explain("[z-a]")).toMatch(/range “z-a” at position 2 is not valid/);
    expect(explain("\\p{Nope}")).toMatch(/“\\p\{Nope\}” at position 1 is not a character class/);
    expect(explain("(?P<n>a)(?P<n>b)")).toMatch(/Two groups are named “n”/);
    expect(explain("x(?=y)")).toMatch(
      /“\(\?=” at position 2 is not supported: RE2 has no lookahead/,
    );
  });

  it("never repeats RE2's own wording, and falls back to a sentence with the position", () => {
    for (const p of ["(", ")", "[", "*", "a**", "\\q", "[z-a]", "(?z)"]) {
      const said = explain(p);
      expect(said).not.toMatch(/error parsing regexp|missing closing|`/);
      expect(said).toMatch(/^[A-Z“]/);
    }
    expect(explainRegexError("ab(c", { error: "something new", input: "(c" })).toBe(
      "The pattern is not a valid regular expression (look near position 3): check its parentheses, brackets and the characters before *, + and ?.",
    );
    expect(explainRegexError("x", {})).toMatch(/^The pattern is not a valid regular expression:/);
  });
});
