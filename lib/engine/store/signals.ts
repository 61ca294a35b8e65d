import type { CorpusSignals } from "../core/history";
import { ftsString, STOP_WORDS, wordTokens } from "../core/lexical";
import { porterStem } from "../core/stem";
import type { Lexicon } from "../ports";
import type { DB } from "./db";

/**
 * What the index says about words, for resolving chat follow-ups (`core/history.ts`).
 * Each answer reads a bounded sample: at most `SAMPLE` parts per word, counted or
 * tokenized in memory, so a follow-up costs a few milliseconds whatever the corpus.
 */
const SAMPLE = 300;
const COUNT_CAP = 5000;

export function createCorpusSignals(db: DB, lexicon?: Lexicon): CorpusSignals {
  const contexts = new Map<string, Set<string>>();

  /** The content words right before ("L:") and after ("R:") each use of `word` in the sample. */
  const neighbours = (word: string): Set<string> => {
    const stem = porterStem(word);
    const cached = contexts.get(stem);
    if (cached) return cached;
    const texts = db
      .prepare(
        `SELECT p.text FROM parts_fts CROSS JOIN parts p ON p.id = parts_fts.rowid
         WHERE parts_fts MATCH ? LIMIT ${SAMPLE}`,
      )
      .pluck()
      .all(`text : ${ftsString(word)}`) as string[];
    const out = new Set<string>();
    for (const text of texts) {
      const stems = wordTokens(text)
        .filter((t) => !STOP_WORDS.has(t))
        .map(porterStem);
      stems.forEach((s, i) => {
        if (s !== stem) return;
        const before = stems[i - 1];
        const after = stems[i + 1];
        if (before) out.add(`L:${before}`);
        if (after) out.add(`R:${after}`);
      });
    }
    contexts.set(stem, out);
    return out;
  };

  const count = (match: string): number =>
    db
      .prepare(
        `SELECT COUNT(*) FROM (SELECT rowid FROM parts_fts WHERE parts_fts MATCH ? LIMIT ${COUNT_CAP})`,
      )
      .pluck()
      .get(match) as number;

  return {
    nounLike: (word) => lexicon?.isNoun(word) ?? true,
    substitutability(a, b) {
      const x = neighbours(a);
      const y = neighbours(b);
      if (x.size === 0 || y.size === 0) return 0;
      let shared = 0;
      for (const f of x) if (y.has(f)) shared++;
      return shared / (x.size + y.size - shared);
    },
    association(phrase, words) {
      const terms = words.filter((w) => !STOP_WORDS.has(w));
      if (terms.length === 0 || wordTokens(phrase).length === 0) return 0;
      const p = ftsString(phrase);
      const alone = count(p);
      if (alone === 0) return 0;
      const together = count(`${p} AND (${terms.map(ftsString).join(" OR ")})`);
      // Smoothed, so a phrase seen once with one of the words does not score 1.
      return together / (alone + 2);
    },
  };
}
