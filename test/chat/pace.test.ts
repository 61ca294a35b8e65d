import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createPacer, wordPieces } from "@/lib/chat/pace";

describe("wordPieces", () => {
  it("groups words with their whitespace, and joins back to the text", () => {
    expect(wordPieces("  one two three four\n five ", 2)).toEqual([
      "  one two ",
      "three four\n ",
      "five ",
    ]);
    expect(wordPieces("")).toEqual([]);
    expect(wordPieces("   ")).toEqual(["   "]);
    fc.assert(
      fc.property(fc.string(), fc.integer({ min: 1, max: 5 }), (text, size) => {
        expect(wordPieces(text, size).join("")).toBe(text);
      }),
    );
  });
});

describe("createPacer", () => {
  function clock() {
    let t = 1_000;
    const slept: number[] = [];
    return {
      now: () => t,
      advance: (ms: number) => {
        t += ms;
      },
      slept,
      sleep: async (ms: number) => {
        slept.push(ms);
        t += ms;
      },
    };
  }

  it("spaces words at the rate when they come faster", async () => {
    const c = clock();
    const pacer = createPacer({ wordsPerSecond: 40, now: c.now, sleep: c.sleep });
    for (let i = 0; i < 4; i++) await pacer.wait(3);
    // The first piece goes at once; each later one 3 words × 25 ms after the one before.
    expect(c.slept).toEqual([75, 75, 75]);
  });

  it("never holds back a slower source, and saves no credit while it is slow", async () => {
    const c = clock();
    const pacer = createPacer({ wordsPerSecond: 40, now: c.now, sleep: c.sleep });
    await pacer.wait(3);
    c.advance(500); // a model thinking
    await pacer.wait(3);
    await pacer.wait(3);
    expect(c.slept).toEqual([75]);
  });

  it("does not pace at rate 0", async () => {
    const c = clock();
    const pacer = createPacer({ wordsPerSecond: 0, now: c.now, sleep: c.sleep });
    for (let i = 0; i < 5; i++) await pacer.wait(3);
    expect(c.slept).toEqual([]);
  });
});
