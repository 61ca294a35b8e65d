/**
 * The audit log's words: which turns a moderation touched and what it changed, from
 * what the entry recorded. Pure, so the row component and its tests share it.
 */

/** One turn a moderation touched, as the audit log knows it. */
export interface AuditedTurn {
  turnId: string;
  /** 1-based position in its conversation; null when no longer known (chat deleted). */
  number: number | null;
  /** The visitor's question; null when no longer known. */
  query: string | null;
  /** Whether the visitor still saw the turn before the moderation; null if not recorded. */
  wasEnabled: boolean | null;
}

/** What became of the conversation since: still at Vectara, deleted, or not known now. */
export type ConversationState = "present" | "deleted" | "unknown";

/** One row of the audit log, ready to render. */
export interface AuditLogEntry {
  auditId: string;
  action: "disable_turns";
  actorEmail: string;
  chatId: string | null;
  reason: string;
  createdAt: number;
  /** null when the entry names no conversation. */
  conversation: ConversationState | null;
  /** In conversation order when their numbers are known. */
  turns: AuditedTurn[];
}

/** Positive whole numbers as compact ranges: [1, 3, 4, 5] → "1, 3–5". */
export function formatNumberRanges(numbers: readonly number[]): string {
  const sorted = [...new Set(numbers)].sort((a, b) => a - b);
  const ranges: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === (sorted[j] as number) + 1) j++;
    ranges.push(i === j ? `${sorted[i]}` : `${sorted[i]}–${sorted[j]}`);
    i = j + 1;
  }
  return ranges.join(", ");
}

/** "Turn 3", "Turns 3–5", "turns 1, 3" (lowercase with `capital: false`). */
export function formatTurnNumbers(numbers: readonly number[], capital = true): string {
  const word = new Set(numbers).size === 1 ? "turn" : "turns";
  const label = capital ? `${word[0]?.toUpperCase()}${word.slice(1)}` : word;
  return `${label} ${formatNumberRanges(numbers)}`;
}

const numbersOf = (turns: readonly AuditedTurn[]): number[] | undefined => {
  const numbers = turns.map((t) => t.number);
  return numbers.every((n): n is number => n !== null) ? numbers : undefined;
};

const count = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

/** The turns an entry names: "Turns 3–5" when their numbers are known, else "3 turns". */
export function summarizeTurns(turns: readonly AuditedTurn[]): string {
  const numbers = numbersOf(turns);
  return numbers && numbers.length > 0 ? formatTurnNumbers(numbers) : count(turns.length, "turn");
}

/**
 * Before and after in one sentence. A disable hides the turn and every later one, so
 * the turns before the first are untouched; a turn that was already disabled stays so.
 * "Turns 3–5 hidden from the visitor and from later answers; turns 1–2 unchanged."
 * Without turn numbers: "Disabled 3 turns; 1 of them was already hidden."
 */
export function describeChange(turns: readonly AuditedTurn[]): string {
  const already = turns.filter((t) => t.wasEnabled === false);
  const hidden = turns.filter((t) => t.wasEnabled !== false);
  const numbers = numbersOf(turns);
  if (!numbers || numbers.length === 0) {
    const parts = [`Disabled ${count(turns.length, "turn")}`];
    if (already.length > 0 && hidden.length > 0) {
      parts.push(
        `${already.length} of them ${already.length === 1 ? "was" : "were"} already hidden`,
      );
    } else if (already.length > 0) {
      parts.push(`${already.length === 1 ? "it was" : "all were"} already hidden`);
    }
    return `${parts.join("; ")}.`;
  }
  const parts: string[] = [];
  if (hidden.length > 0) {
    parts.push(
      `${formatTurnNumbers(hidden.map((t) => t.number as number))} hidden from the visitor and from later answers`,
    );
  }
  if (already.length > 0) {
    const alreadyNumbers = already.map((t) => t.number as number);
    parts.push(
      `${formatTurnNumbers(alreadyNumbers, parts.length === 0)} ${new Set(alreadyNumbers).size === 1 ? "was" : "were"} already hidden`,
    );
  }
  const first = Math.min(...numbers);
  if (first > 1) {
    const before = Array.from({ length: first - 1 }, (_, i) => i + 1);
    parts.push(`${formatTurnNumbers(before, false)} unchanged`);
  }
  return `${parts.join("; ")}.`;
}
