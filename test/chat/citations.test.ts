import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { splitSnippet, toCitation, toCitations } from "@/lib/chat/citations";
import { SNIPPET_END, SNIPPET_START } from "@/lib/chat/messages";
import type { SearchResult } from "@/lib/vectara";

const S = SNIPPET_START;
const E = SNIPPET_END;

function result(overrides: Partial<SearchResult> = {}): SearchResult {
  return {
    text: `Before. ${S}The match.${E} After.`,
    score: 0.8,
    documentId: "billing/refunds.md",
    partMetadata: {},
    documentMetadata: { title: "Refunds" },
    requestCorporaIndex: 0,
    ...overrides,
  };
}

const meta = (documentMetadata: Record<string, unknown>) =>
  toCitation(result({ documentMetadata }), 1);

const noTags = (snippet: { before: string; match: string; after: string }) => {
  for (const field of [snippet.before, snippet.match, snippet.after]) {
    expect(field).not.toContain(S);
    expect(field).not.toContain(E);
  }
};

describe("splitSnippet", () => {
  it("splits the passage around the tagged match", () => {
    expect(
      splitSnippet(`  Refunds are easy. ${S}Yearly plans within 30 days.${E} Ask us.  `),
    ).toEqual({
      before: "Refunds are easy. ",
      match: "Yearly plans within 30 days.",
      after: " Ask us.",
    });
  });

  it("treats a passage without tags as all match", () => {
    expect(splitSnippet("  Just some text.  ")).toEqual({
      before: "",
      match: "Just some text.",
      after: "",
    });
  });

  it("treats a start tag without an end tag as all match, without the tag", () => {
    expect(splitSnippet(`one ${S}two three`)).toEqual({
      before: "",
      match: "one two three",
      after: "",
    });
  });

  it("treats an end tag before any start tag as all match, without the tag", () => {
    expect(splitSnippet(`one ${E}two`)).toEqual({ before: "", match: "one two", after: "" });
    // The end tag comes before the start tag: no pair, so all match.
    expect(splitSnippet(`a ${E} b ${S} c`)).toEqual({ before: "", match: "a  b  c", after: "" });
  });

  it("uses the first start tag and the first end tag after it; extra tags are dropped", () => {
    expect(splitSnippet(`x ${S}a ${S}b${E} c ${E}y ${S}z`)).toEqual({
      before: "x ",
      match: "a b",
      after: " c y z",
    });
  });

  it.each([
    `${S}${S}${E}${E}`,
    `${S}${E}${S}${E}`,
    `${E}${E}${S}`,
    `${S}`,
    `${E}`,
    `a${S}b${S}c${E}d${E}e${S}f`,
  ])("never leaks a tag into any field: %s", (raw) => {
    noTags(splitSnippet(raw));
  });

  it("property: for any string built from text and tags, no field contains a tag", () => {
    const piece = fc.oneof(fc.string({ maxLength: 8 }), fc.constant(S), fc.constant(E));
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 12 }), (pieces) => {
        const snippet = splitSnippet(pieces.join(""));
        for (const field of [snippet.before, snippet.match, snippet.after]) {
          if (field.includes(S) || field.includes(E)) return false;
        }
        return true;
      }),
    );
  });

  it("property: for any string, no field contains a tag", () => {
    fc.assert(
      fc.property(fc.string(), (raw) => {
        const snippet = splitSnippet(raw);
        return [snippet.before, snippet.match, snippet.after].every(
          (f) => !f.includes(S) && !f.includes(E),
        );
      }),
    );
  });

  // Regression, fixed (lib/chat/citations.ts, stripTags): tags are removed in one non-recursive pass
  // each, so removing one tag can join its neighbours into a new tag. Here removing
  // the inner END tag joins "%START_" and "SNIPPET%" into "%START_SNIPPET%", which then
  // shows verbatim on the citation card.
  it("does not let a removed tag join its neighbours into a new tag", () => {
    noTags(splitSnippet("%START_%END_SNIPPET%SNIPPET%"));
  });
});

describe("toCitation", () => {
  it("keeps the document's title, id, score and split snippet", () => {
    expect(toCitation(result(), 3)).toEqual({
      index: 3,
      documentId: "billing/refunds.md",
      title: "Refunds",
      snippet: { before: "Before. ", match: "The match.", after: " After." },
      score: 0.8,
    });
  });

  it.each([
    ["missing", {}],
    ["a number", { title: 42 }],
    ["an object", { title: { en: "Refunds" } }],
    ["empty", { title: "" }],
    ["whitespace only", { title: "   " }],
    ["too long", { title: "x".repeat(501) }],
  ])("falls back to the document id when the title is %s", (_, documentMetadata) => {
    expect(meta(documentMetadata).title).toBe("billing/refunds.md");
  });

  it("trims the title", () => {
    expect(meta({ title: "  Refunds  " }).title).toBe("Refunds");
  });

  it.each([
    "https://help.example/refunds",
    "http://help.example/refunds?x=1#y",
    "HTTPS://HELP.EXAMPLE/R",
  ])("keeps an http(s) url: %s", (url) => {
    expect(meta({ title: "T", url }).url).toBe(url);
  });

  it("trims an http(s) url", () => {
    expect(meta({ title: "T", url: "  https://help.example/a  " }).url).toBe(
      "https://help.example/a",
    );
  });

  it.each([
    "javascript:alert(1)",
    "  JaVaScRiPt:alert(document.cookie)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "file:///etc/passwd",
    "/relative/path",
    "help.example/refunds",
    "not a url at all",
    "",
    42,
    { href: "https://x.example" },
    null,
  ])("drops a url that is not http(s): %j", (url) => {
    const citation = meta({ title: "T", url });
    expect(citation.url).toBeUndefined();
    expect("url" in citation).toBe(false);
  });

  it("drops a url over 2000 characters", () => {
    expect(meta({ title: "T", url: `https://x.example/${"a".repeat(2000)}` }).url).toBeUndefined();
  });

  it("accepts an ISO date and a Date for updated, and rejects prose", () => {
    expect(meta({ title: "T", updated: "2026-05-04" }).updated).toBe("2026-05-04");
    expect(meta({ title: "T", updated: "2026-05-04T10:00:00Z" }).updated).toBe("2026-05-04");
    expect(meta({ title: "T", updated: new Date("2026-05-04T12:00:00Z") }).updated).toBe(
      "2026-05-04",
    );
    expect(meta({ title: "T", updated: "yesterday" }).updated).toBeUndefined();
    expect(meta({ title: "T", updated: "2026-13-45" }).updated).toBeUndefined();
    expect(meta({ title: "T", updated: 1_700_000_000_000 }).updated).toBeUndefined();
    expect("updated" in meta({ title: "T", updated: "yesterday" })).toBe(false);
  });

  it("keeps a category string, drops a non-string one", () => {
    expect(meta({ title: "T", category: "billing" }).category).toBe("billing");
    expect(meta({ title: "T", category: ["billing"] }).category).toBeUndefined();
  });

  it("takes the section from the part's heading, omitted when it repeats the title", () => {
    const withHeading = toCitation(result({ partMetadata: { heading: "Yearly plans" } }), 1);
    expect(withHeading.section).toBe("Yearly plans");
    const sameAsTitle = toCitation(result({ partMetadata: { heading: "Refunds" } }), 1);
    expect(sameAsTitle.section).toBeUndefined();
    expect("section" in sameAsTitle).toBe(false);
    // The section never comes from document metadata.
    expect(meta({ title: "T", heading: "Doc heading" }).section).toBeUndefined();
    expect(toCitation(result({ partMetadata: { heading: 7 } }), 1).section).toBeUndefined();
  });
});

describe("toCitations", () => {
  it("numbers citations from 1 in search-result order", () => {
    const citations = toCitations([
      result({ documentId: "a", documentMetadata: { title: "A" } }),
      result({ documentId: "b", documentMetadata: {} }),
      result({ documentId: "c", documentMetadata: { title: "C" } }),
    ]);
    expect(citations.map((c) => [c.index, c.documentId, c.title])).toEqual([
      [1, "a", "A"],
      [2, "b", "b"],
      [3, "c", "C"],
    ]);
    expect(toCitations([])).toEqual([]);
  });
});
