import type { Root } from "mdast";
import { describe, expect, it } from "vitest";
import {
  citationMarkerNode,
  remarkCitationMarkers,
  replaceCitationMarkers,
  splitCitationText,
} from "@/components/chat/citation-markers";

const known = new Set([1, 2, 3]);

describe("splitCitationText", () => {
  it("turns a known [n] into a citation that hugs the word before it", () => {
    expect(splitCitationText("Reset it in Settings [2].", known)).toEqual([
      { type: "text", value: "Reset it in Settings" },
      { type: "citation", index: 2 },
      { type: "text", value: "." },
    ]);
  });

  it("splits grouped and adjacent markers into one citation each", () => {
    expect(splitCitationText("a [1, 3] b [1][2]", known)).toEqual([
      { type: "text", value: "a" },
      { type: "citation", index: 1 },
      { type: "citation", index: 3 },
      { type: "text", value: " b" },
      { type: "citation", index: 1 },
      { type: "citation", index: 2 },
    ]);
  });

  it("leaves unknown numbers as the text the model wrote", () => {
    expect(splitCitationText("see [7] and [2024] and [a]", known)).toEqual([
      { type: "text", value: "see [7] and [2024] and [a]" },
    ]);
    expect(splitCitationText("x [1,7]", known)).toEqual([
      { type: "text", value: "x" },
      { type: "citation", index: 1 },
      { type: "text", value: "[7]" },
    ]);
  });

  it("reads ranges, and leaves a number glued to a word (code) alone", () => {
    expect(splitCitationText("a [1-3] b items[2]", known)).toEqual([
      { type: "text", value: "a" },
      { type: "citation", index: 1 },
      { type: "citation", index: 2 },
      { type: "citation", index: 3 },
      { type: "text", value: " b items[2]" },
    ]);
  });

  it("returns nothing for empty text", () => {
    expect(splitCitationText("", known)).toEqual([]);
  });
});

describe("replaceCitationMarkers", () => {
  it("rewrites text but not code, inline code or link text", () => {
    const tree: Root = {
      type: "root",
      children: [
        {
          type: "paragraph",
          children: [
            { type: "text", value: "Yes [1]. Run " },
            { type: "inlineCode", value: "arr[1]" },
            { type: "text", value: " or " },
            {
              type: "link",
              url: "https://x.test",
              children: [{ type: "text", value: "docs [2]" }],
            },
            { type: "emphasis", children: [{ type: "text", value: "[3]" }] },
          ],
        },
        { type: "code", value: "x = y[2]" },
      ],
    };
    replaceCitationMarkers(tree, known);
    expect(tree.children[0]).toEqual({
      type: "paragraph",
      children: [
        { type: "text", value: "Yes" },
        citationMarkerNode(1),
        { type: "text", value: ". Run " },
        { type: "inlineCode", value: "arr[1]" },
        { type: "text", value: " or " },
        { type: "link", url: "https://x.test", children: [{ type: "text", value: "docs [2]" }] },
        { type: "emphasis", children: [citationMarkerNode(3)] },
      ],
    });
    expect(tree.children[1]).toEqual({ type: "code", value: "x = y[2]" });
  });

  it("the plugin does nothing when there are no citations", () => {
    const tree: Root = {
      type: "root",
      children: [{ type: "paragraph", children: [{ type: "text", value: "[1]" }] }],
    };
    remarkCitationMarkers({ indices: [] })(tree);
    expect(tree.children[0]).toEqual({
      type: "paragraph",
      children: [{ type: "text", value: "[1]" }],
    });
  });
});
