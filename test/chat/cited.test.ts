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
