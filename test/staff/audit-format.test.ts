import { describe, expect, it } from "vitest";
import {
  type AuditedTurn,
  describeChange,
  formatNumberRanges,
  formatTurnNumbers,
  summarizeTurns,
} from "@/lib/staff/audit-format";

const turn = (number: number | null, wasEnabled: boolean | null = true): AuditedTurn => ({
  turnId: `trn_${number ?? Math.random()}`,
  number,
  query: number === null ? null : `question ${number}`,
  wasEnabled,
});

describe("formatNumberRanges", () => {
  it("joins consecutive numbers into ranges, in order, without repeats", () => {
    expect(formatNumberRanges([3])).toBe("3");
    expect(formatNumberRanges([5, 3, 4])).toBe("3–5");
    expect(formatNumberRanges([1, 3, 4, 5, 9])).toBe("1, 3–5, 9");
    expect(formatNumberRanges([2, 2, 3])).toBe("2–3");
    expect(formatNumberRanges([])).toBe("");
  });
});

describe("formatTurnNumbers", () => {
  it("says turn or turns, capitalized or not", () => {
    expect(formatTurnNumbers([3])).toBe("Turn 3");
    expect(formatTurnNumbers([3, 4, 5])).toBe("Turns 3–5");
    expect(formatTurnNumbers([1, 2], false)).toBe("turns 1–2");
    expect(formatTurnNumbers([1], false)).toBe("turn 1");
  });
});

describe("summarizeTurns", () => {
  it("names turns by number when every number is known, else counts them", () => {
    expect(summarizeTurns([turn(3), turn(4), turn(5)])).toBe("Turns 3–5");
    expect(summarizeTurns([turn(1)])).toBe("Turn 1");
    expect(summarizeTurns([turn(3), turn(null)])).toBe("2 turns");
    expect(summarizeTurns([turn(null)])).toBe("1 turn");
  });
});

describe("describeChange", () => {
  it("says which turns the visitor no longer sees and which earlier ones stay", () => {
    expect(describeChange([turn(3), turn(4), turn(5)])).toBe(
      "Turns 3–5 hidden from the visitor and from later answers; turns 1–2 unchanged.",
    );
    expect(describeChange([turn(2)])).toBe(
      "Turn 2 hidden from the visitor and from later answers; turn 1 unchanged.",
    );
  });

  it("has no unchanged turns when the first turn goes", () => {
    expect(describeChange([turn(1), turn(2)])).toBe(
      "Turns 1–2 hidden from the visitor and from later answers.",
    );
  });

  it("tells newly hidden turns from ones already hidden", () => {
    expect(describeChange([turn(2), turn(3, false), turn(4, false)])).toBe(
      "Turn 2 hidden from the visitor and from later answers; turns 3–4 were already hidden; turn 1 unchanged.",
    );
    expect(describeChange([turn(1), turn(2, false)])).toBe(
      "Turn 1 hidden from the visitor and from later answers; turn 2 was already hidden.",
    );
  });

  it("counts turns when their numbers are no longer known", () => {
    expect(describeChange([turn(null), turn(null), turn(null)])).toBe("Disabled 3 turns.");
    expect(describeChange([turn(null), turn(null, false)])).toBe(
      "Disabled 2 turns; 1 of them was already hidden.",
    );
    expect(describeChange([turn(null, false)])).toBe("Disabled 1 turn; it was already hidden.");
  });

  it("treats an unrecorded prior state as newly hidden", () => {
    expect(describeChange([turn(2, null)])).toBe(
      "Turn 2 hidden from the visitor and from later answers; turn 1 unchanged.",
    );
  });
});
