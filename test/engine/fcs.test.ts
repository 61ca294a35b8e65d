import { describe, expect, it } from "vitest";
import { NO_ANSWER } from "@/lib/engine/core/generation/extractive";
import { factualConsistencyScore } from "@/lib/engine/core/generation/fcs";

const SOURCES = [
  "Refunds are issued within 5 business days to the original card. Annual plans are refunded pro rata.",
  "To reset your password, open Settings and choose Security. The reset link expires after one hour.",
];

describe("factual consistency score", () => {
  it("scores a copied answer 1 and an invented one near 0", () => {
    expect(
      factualConsistencyScore(
        "Refunds are issued within 5 business days to the original card [1].",
        SOURCES,
      ),
    ).toBe(1);
    const invented = factualConsistencyScore(
      "Our headquarters moved to Lisbon during the summer.",
      SOURCES,
    );
    expect(invented).toBeLessThan(0.2);
  });

  it("ranks supported paraphrases above unsupported claims", () => {
    const supported = factualConsistencyScore(
      "The reset link expires after an hour. Refunds are issued to the original card.",
      SOURCES,
    ) as number;
    const mixed = factualConsistencyScore(
      "The reset link expires after an hour. Refunds are paid in cash at our stores.",
      SOURCES,
    ) as number;
    const unsupported = factualConsistencyScore(
      "Passwords are emailed to you in plain text every week.",
      SOURCES,
    ) as number;
    expect(supported).toBeGreaterThan(0.8);
    expect(mixed).toBeLessThan(supported);
    expect(unsupported).toBeLessThan(mixed);
    for (const s of [supported, mixed, unsupported]) {
      expect(s).toBeGreaterThanOrEqual(0);
      expect(s).toBeLessThanOrEqual(1);
    }
  });

  it("penalises changed numbers and flipped negations", () => {
    const right = factualConsistencyScore(
      "Refunds are issued within 5 business days.",
      SOURCES,
    ) as number;
    const wrongNumber = factualConsistencyScore(
      "Refunds are issued within 30 business days.",
      SOURCES,
    ) as number;
    const negated = factualConsistencyScore(
      "Refunds are not issued to the original card.",
      SOURCES,
    ) as number;
    expect(right).toBe(1);
    expect(wrongNumber).toBeLessThanOrEqual(0.5);
    expect(negated).toBeLessThanOrEqual(0.6);
  });

  it("lets one unsupported sentence pull a long answer down", () => {
    const long = [
      "Refunds are issued within 5 business days.",
      "Annual plans are refunded pro rata.",
      "The reset link expires after one hour.",
      "Our CEO personally approves every refund over ten dollars.",
    ].join(" ");
    expect(factualConsistencyScore(long, SOURCES)).toBeLessThan(0.75);
  });

  it("has nothing to score for the no-answer message or an empty answer", () => {
    expect(factualConsistencyScore(NO_ANSWER, SOURCES)).toBeUndefined();
    expect(factualConsistencyScore("", SOURCES)).toBeUndefined();
    expect(factualConsistencyScore("Refunds take 5 days.", [])).toBe(0);
  });
});
