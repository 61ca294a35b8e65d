import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { citedIndexes, markQuotes, quotedBySource, withoutCitationMarkers } from "@/lib/chat/cited";

describe("citedIndexes", () => {
  it("lists cited numbers in order of first use", () => {
    expect(citedIndexes("Refunds take 30 days [3]. Invoices are monthly [1].")).toEqual([3, 1]);
  });

  it("reads grouped markers, with or without spaces", () => {
    expect(citedIndexes("Both say so [2, 4] and [5,1].")).toEqual([2, 4, 5, 1]);
  });

  it("lists each number once", () => {
    expect(citedIndexes("A [1]. B [2]. C [1, 2]. D [2].")).toEqual([1, 2]);
  });

  it("ignores brackets that are not numeric markers", () => {
    expect(citedIndexes("See [a], [x1], [1a], [ ], [] and [1,]")).toEqual([]);
    expect(citedIndexes("No citations here.")).toEqual([]);
  });

  it("ignores numbers of more than three digits", () => {
    expect(citedIndexes("Error [1234] happened [2].")).toEqual([2]);
  });
});

describe("withoutCitationMarkers", () => {
  it("removes markers and the space before the punctuation that followed them", () => {
    expect(withoutCitationMarkers("Refunds take 30 days [1].")).toBe("Refunds take 30 days.");
    expect(withoutCitationMarkers("First [1, 2], then [3]; done [4]!")).toBe("First, then; done!");
  });

  it("removes adjacent markers", () => {
    expect(withoutCitationMarkers("Yes [1][2].")).toBe("Yes.");
  });

  it("leaves text without markers alone, except surrounding whitespace", () => {
    expect(withoutCitationMarkers("  Plain answer, no sources.  ")).toBe(
      "Plain answer, no sources.",
    );
    expect(withoutCitationMarkers("Keep [this] and [a1].")).toBe("Keep [this] and [a1].");
  });

  it("keeps line breaks between paragraphs", () => {
    expect(withoutCitationMarkers("One [1].\n\nTwo [2].")).toBe("One.\n\nTwo.");
  });

  // Regression, fixed (lib/chat/cited.ts, withoutCitationMarkers): a marker between two words
  // leaves both spaces around it, so the copied text reads "30 days  and".
  it("does not leave a double space where a mid-sentence marker was", () => {
    expect(withoutCitationMarkers("Refunds take 30 days [1] and are paid by card [2].")).toBe(
      "Refunds take 30 days and are paid by card.",
    );
  });

  // Regression, fixed (lib/chat/cited.ts, CITATION_PATTERN): any bracketed number counts as a
  // marker, so code in an answer loses its subscripts when copied ("items[0]" →
  // "items"), and citedIndexes reports a citation [0] that no source has.
  it("keeps array subscripts in code, which are not citations", () => {
    expect(withoutCitationMarkers("Read items[0] first [1].")).toBe("Read items[0] first.");
  });
});

describe("what an answer quotes from each source", () => {
  const answer = [
    "The reset link expires after 30 minutes [1]. Each link works only once [1].",
    "",
    "1. Go to the sign-in page and click Forgot password? [2]",
    "2. Enter your email [2].",
  ].join("\n");

  it("takes the text before each marker, back to the previous one or the line start", () => {
    expect(quotedBySource(answer)).toEqual(
      new Map([
        [1, ["The reset link expires after 30 minutes", "Each link works only once"]],
        [2, ["Go to the sign-in page and click Forgot password?", "Enter your email"]],
      ]),
    );
    expect(quotedBySource("Short [1].")).toEqual(new Map());
  });

  it("marks the quoted sentences in a source's text, whatever its spacing, or says none is there", () => {
    const text =
      "What to expect The reset link expires\nafter 30 minutes. Each link works only once. Security.";
    expect(
      markQuotes(text, ["The reset link expires after 30 minutes", "Each link works only once"]),
    ).toEqual([
      { text: "What to expect ", mark: false },
      { text: "The reset link expires\nafter 30 minutes", mark: true },
      { text: ". ", mark: false },
      { text: "Each link works only once", mark: true },
      { text: ". Security.", mark: false },
    ]);
    expect(markQuotes(text, ["Something else entirely"])).toBeUndefined();
  });
});

describe("markQuotes, as the RegExp it replaced", () => {
  /** The old implementation: a RegExp of the quote's escaped words joined by `\s+`. */
  function regexMarkQuotes(text: string, quotes: readonly string[]) {
    const ranges: Array<[number, number]> = [];
    for (const quote of quotes) {
      const words = quote
        .trim()
        .split(/\s+/)
        .map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
      const found = new RegExp(words.join("\\s+")).exec(text);
      if (found) ranges.push([found.index, found.index + found[0].length]);
    }
    if (ranges.length === 0) return undefined;
    ranges.sort((a, b) => a[0] - b[0]);
    const pieces: Array<{ text: string; mark: boolean }> = [];
    let at = 0;
    for (const [from, to] of ranges) {
      if (to <= at) continue;
      const start = Math.max(from, at);
      if (start > at) pieces.push({ text: text.slice(at, start), mark: false });
      pieces.push({ text: text.slice(start, to), mark: true });
      at = to;
    }
    if (at < text.length) pieces.push({ text: text.slice(at), mark: false });
    return pieces;
  }

  it("finds quotes mid-word, across any whitespace, with regex characters, first occurrence", () => {
    const text = "a.b (c)  d\u00a0\te [1] aa.b (c)\nd e x*y? $5 blinking";
    for (const quotes of [
      ["a.b (c) d e"],
      ["(c) d"],
      ["link"],
      ["x*y? $5"],
      ["  b   (c)  "],
      [""],
      ["   "],
      ["d e", "a.b"],
      ["nope", "[1]"],
      ["e x*y? $5 blinking", "blinking"],
    ]) {
      expect(markQuotes(text, quotes), quotes.join("|")).toEqual(regexMarkQuotes(text, quotes));
    }
  });

  it("agrees on generated texts and quotes", () => {
    const piece = fc.constantFrom("a", "b", "ab", ".", "*", "(", " ", "  ", "\n", "\t ", "\u00a0");
    const text = fc.array(piece, { maxLength: 20 }).map((p) => p.join(""));
    fc.assert(
      fc.property(text, fc.array(text, { maxLength: 3 }), (t, quotes) => {
        expect(markQuotes(t, quotes)).toEqual(regexMarkQuotes(t, quotes));
      }),
      { numRuns: 2000 },
    );
  });

  it("finds a long quote at the end of a long, repetitive text", () => {
    const text = `${"a ".repeat(50_000)}b`;
    const quote = `${"a ".repeat(2_000)}b`;
    const pieces = markQuotes(text, [quote]);
    expect(pieces?.[1]).toEqual({ text: quote, mark: true });
    expect(pieces?.[0]?.text.length).toBe(text.length - quote.length);
  });
});
