import { describe, expect, it } from "vitest";
import { piecesAround } from "@/components/citations/format";

describe("a card's passage among its quote marks", () => {
  it("cuts pieces that straddle the passage's edges, keeping their marks", () => {
    const text = "before MATCH after";
    const pieces = [
      { text: "before MA", mark: false },
      { text: "TCH aft", mark: true },
      { text: "er", mark: false },
    ];
    const [head, passage, tail] = piecesAround(pieces, 7, 12);
    expect(head).toEqual([{ text: "before ", mark: false }]);
    expect(passage).toEqual([
      { text: "MA", mark: false },
      { text: "TCH", mark: true },
    ]);
    expect(tail).toEqual([
      { text: " aft", mark: true },
      { text: "er", mark: false },
    ]);
    expect([...head, ...passage, ...tail].map((p) => p.text).join("")).toBe(text);
  });

  it("handles an empty context on either side", () => {
    const [head, passage, tail] = piecesAround([{ text: "all", mark: true }], 0, 3);
    expect(head).toEqual([]);
    expect(passage).toEqual([{ text: "all", mark: true }]);
    expect(tail).toEqual([]);
  });
});
