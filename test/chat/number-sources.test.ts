import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { citedIndexes, numberSources } from "@/lib/chat/cited";
import type { Citation } from "@/lib/chat/messages";

function source(index: number, documentId = `doc-${index}`): Citation {
  return {
    index,
    documentId,
    title: `Article ${index}`,
    snippet: { before: "", match: `passage ${index}`, after: "" },
    score: 1 - index / 10,
  };
}
const five = [1, 2, 3, 4, 5].map((n) => source(n));
/** What each display number points at: "display→original". */
const mapping = (cited: Citation[]) => cited.map((c) => `${c.index}→${c.documentId}`);
const ids = (list: Citation[]) => list.map((c) => c.documentId);

describe("numberSources", () => {
  it("numbers the cited sources 1…n in reading order and renumbers the markers", () => {
    const out = numberSources("Open Settings [4]. Then click Reset [2].", five);
    expect(out.text).toBe("Open Settings [1]. Then click Reset [2].");
    expect(mapping(out.cited)).toEqual(["1→doc-4", "2→doc-2"]);
    expect(out.cited[0]).toEqual({ ...source(4), index: 1 });
  });

  it("closes gaps: 1, 2, 4, 5 become 1, 2, 3, 4", () => {
    const out = numberSources("A [1]. B [2]. C [4]. D [5].", five);
    expect(out.text).toBe("A [1]. B [2]. C [3]. D [4].");
    expect(mapping(out.cited)).toEqual(["1→doc-1", "2→doc-2", "3→doc-4", "4→doc-5"]);
    expect(ids(out.related)).toEqual(["doc-3"]);
  });

  it("gives a repeated source its first number every time", () => {
    const out = numberSources("A [3]. B [1]. C [3]. D [1][3].", five);
    expect(out.text).toBe("A [1]. B [2]. C [1]. D [2][1].");
    expect(mapping(out.cited)).toEqual(["1→doc-3", "2→doc-1"]);
  });

  it("renumbers grouped markers, in ascending order, by the order they are written", () => {
    const out = numberSources("Both [5, 2]. Again [2,5]. Then [3].", five);
    expect(out.text).toBe("Both [1, 2]. Again [1, 2]. Then [3].");
    expect(mapping(out.cited)).toEqual(["1→doc-5", "2→doc-2", "3→doc-3"]);
  });

  it("expands ranges, with a hyphen or an en dash, into lists", () => {
    const out = numberSources("See [3-5] and [1\u20132].", five);
    expect(out.text).toBe("See [1, 2, 3] and [4, 5].");
    expect(mapping(out.cited)).toEqual(["1→doc-3", "2→doc-4", "3→doc-5", "4→doc-1", "5→doc-2"]);
    // A backwards or very wide range is not a marker.
    expect(numberSources("x [4-2] y [1-99]", five)).toMatchObject({
      text: "x [4-2] y [1-99]",
      cited: [],
    });
  });

  it("lists the results it did not cite as related, once per article, in search order", () => {
    const results = [
      source(1, "a"),
      source(2, "b"),
      source(3, "a"), // another part of a cited article
      source(4, "c"),
      source(5, "c"),
    ];
    const out = numberSources("Only this [2].", results);
    expect(mapping(out.cited)).toEqual(["1→b"]);
    expect(out.related.map((c) => `${c.index}:${c.documentId}`)).toEqual(["1:a", "4:c"]);
    // An article cited through any of its parts is not "related" too.
    expect(ids(numberSources("Two parts [1][3], and [2].", results).related)).toEqual(["c"]);
  });

  it("drops numbers no source has from a marker that cites one", () => {
    const out = numberSources("x [2, 9] y [9-10][2]", five.slice(0, 3));
    expect(out.text).toBe("x [1] y [9-10][1]");
    expect(mapping(out.cited)).toEqual(["1→doc-2"]);
  });

  it("keeps a bracket that cites no source as written, unless it would read as a source now", () => {
    // [7] and [2024] point at nothing and stay; with a gap in the results [3] would read as
    // the third cited source, so that one goes (with the space before it).
    const results = [source(1), source(2), source(4), source(5)];
    const out = numberSources("A [4]. B [1]. C [5] and [3]. Year [2024], item [7].", results);
    expect(out.text).toBe("A [1]. B [2]. C [3] and. Year [2024], item [7].");
  });

  it("leaves code-like subscripts and non-numeric brackets alone", () => {
    const out = numberSources("Read items[1] first [3]. See [a] and [0].", five);
    expect(out.text).toBe("Read items[1] first [1]. See [a] and [0].");
    expect(mapping(out.cited)).toEqual(["1→doc-3"]);
  });

  it("lists as related only the results the answer was generated from", () => {
    const many = [1, 2, 3, 4, 5, 6, 7, 8].map((n) => source(n));
    expect(ids(numberSources("Yes [2].", many).related)).toEqual([
      "doc-1",
      "doc-3",
      "doc-4",
      "doc-5",
    ]);
    expect(ids(numberSources("Yes [2].", many, { generatedFrom: 3 }).related)).toEqual([
      "doc-1",
      "doc-3",
    ]);
    // A cited result past that point (Vectara would not cite it) still gets its number.
    expect(mapping(numberSources("Yes [7].", many).cited)).toEqual(["1→doc-7"]);
  });

  it("cites nothing: the text is unchanged and every result is related", () => {
    const out = numberSources("I could not find that.", five);
    expect(out).toEqual({ text: "I could not find that.", cited: [], related: five });
    expect(numberSources("", [])).toEqual({ text: "", cited: [], related: [] });
  });

  it("is stable as the answer streams: later text never renumbers an earlier marker", () => {
    const answer = "First [4]. Then [2] and [4, 5]. Finally [1].";
    const final = numberSources(answer, five);
    for (let end = 0; end <= answer.length; end++) {
      const partial = numberSources(answer.slice(0, end), five);
      expect(final.cited.slice(0, partial.cited.length)).toEqual(partial.cited);
    }
    expect(final.text).toBe("First [1]. Then [2] and [1, 3]. Finally [4].");
  });

  it("always yields markers numbered 1…n, in reading order, each with its source", () => {
    const marker = fc
      .array(fc.integer({ min: 1, max: 8 }), { minLength: 1, maxLength: 3 })
      .map((ns) => ` [${ns.join(", ")}]`);
    const words = fc.constantFrom(" Reset it.", " Open Settings", "\n\n- step", " [2024]");
    const answer = fc.array(fc.oneof(marker, words), { maxLength: 12 }).map((p) => p.join(""));
    fc.assert(
      fc.property(answer, (text) => {
        const out = numberSources(text, five);
        const used = citedIndexes(out.text).filter((n) => n <= 5);
        expect(used).toEqual(out.cited.map((c) => c.index));
        expect(out.cited.map((c) => c.index)).toEqual(out.cited.map((_, i) => i + 1));
        expect(new Set([...ids(out.cited), ...ids(out.related)])).toEqual(new Set(ids(five)));
      }),
      { numRuns: 500 },
    );
  });
});

describe("citedIndexes with ranges", () => {
  it("reads ranges and mixed groups", () => {
    expect(citedIndexes("A [2-4]. B [1, 6\u20137].")).toEqual([2, 3, 4, 1, 6, 7]);
  });
});
