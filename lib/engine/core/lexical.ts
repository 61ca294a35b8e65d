import { porterStem } from "./stem";

/**
 * Query analysis for lexical retrieval: tokenizing like the index does, stop words,
 * the query syntax (`"exact phrase"`, `prefix*`, `-exclude`) and building FTS5 MATCH
 * strings. User text never reaches FTS5 as syntax: every term is a quoted string
 * made of token characters only, so no query can raise an FTS5 syntax error.
 */

/**
 * Lucene's 33 English stop words plus question words. A small list on purpose: the
 * retrieval study found that big lists drop words that matter ("out" in "sign out").
 */
export const STOP_WORDS: ReadonlySet<string> = new Set([
  ...["a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "if", "in", "into"],
  ...["is", "it", "no", "not", "of", "on", "or", "such", "that", "the", "their", "then"],
  ...["there", "these", "they", "this", "to", "was", "will", "with"],
  ...["what", "when", "where", "which", "who", "whom", "whose", "why", "how"],
]);

/**
 * A query with at least this many plain content words (three letters or more, not a
 * stop word or a pronoun or auxiliary) besides its quotes, `-` words and prefixes is a
 * sentence, not search syntax: its quotes quote ("FATAL: no pg_hba.conf entry for
 * host "10.0.3.7""), and a `-` before a word is a dash or a minus. Its phrases and
 * excluded words then count as ordinary words, so a pasted error message is never
 * narrowed to the parts that contain every quoted fragment.
 */
export const SENTENCE_MIN_WORDS = 4;
const NOT_CONTENT: ReadonlySet<string> = new Set([
  ...["you", "your", "our", "she", "him", "her", "his", "them", "its", "can", "could", "would"],
  ...["should", "does", "did", "have", "has", "had", "get", "got", "was", "were", "been"],
]);
const isContentWord = (t: QueryTerm) =>
  !t.prefix && [...t.text].length >= 3 && !NOT_CONTENT.has(t.text);

/** Bounds on what one query may ask of the index. */
export const QUERY_LIMITS = { terms: 256, phrases: 16, excluded: 16, phraseTokens: 32 };
/** Shorter prefixes would expand to a large part of the vocabulary. */
export const MIN_PREFIX_CHARS = 3;

// Token characters as FTS5's unicode61 sees them: letters, digits, private use, and
// combining marks (which it folds away).
const TOKEN_RUN = /[\p{L}\p{N}\p{Co}\p{M}]+/uy;
const MARKS = /\p{M}/gu;
// unicode61 case-folds these to a different letter than toLowerCase() does.
const FOLD: Record<string, string> = {
  µ: "μ",
  ϵ: "ε",
  ς: "σ",
  ſ: "s",
  ϑ: "θ",
  ϕ: "φ",
  ϖ: "π",
  ϰ: "κ",
  ϱ: "ρ",
};
const FOLDABLE = /[µϵςſϑϕϖϰϱ]/gu;

/** Lower case without diacritics, as the index stores it ("Café" → "cafe"). */
export function foldToken(raw: string): string {
  return raw
    .normalize("NFD")
    .replace(MARKS, "")
    .toLowerCase()
    .replace(FOLDABLE, (c) => FOLD[c] ?? c);
}

/**
 * The longest word the indexes hold, in characters (code points). A longer run of
 * word characters (a 3 MB "word", a base64 blob) is indexed as its first
 * MAX_TOKEN_CHARS characters, and query words are cut the same way (after folding),
 * so such a word still finds itself. Long enough for any real word or identifier (a
 * SHA-512 in hex is 128); nobody types more.
 */
export const MAX_TOKEN_CHARS = 128;

/**
 * The most of a document's title, or of a section heading, that the index repeats
 * with every part (`parts_fts`, `parts_tri`, `sections_fts`). Both are indexed once
 * per part, so an unbounded heading would make indexing cost parts × heading length.
 */
export const MAX_INDEXED_TITLE_CHARS = 200;

/** Runs of word characters. (A counted `{129,}` would overflow V8's stack on 10 MB.) */
const WORD_RUN = /[\p{L}\p{N}\p{Co}\p{M}]+/gu;

/** The first `max` code points of `s` (never half a surrogate pair). */
function firstCodePoints(s: string, max: number): string {
  let end = 0;
  for (let n = 0; n < max && end < s.length; n++) {
    const c = s.charCodeAt(end);
    end += c >= 0xd800 && c <= 0xdbff && end + 1 < s.length ? 2 : 1;
  }
  return s.slice(0, end);
}

/** `text` with every word longer than MAX_TOKEN_CHARS cut to that length. Linear. */
export function capTokens(text: string): string {
  if (text.length <= MAX_TOKEN_CHARS) return text;
  const out: string[] = [];
  let last = 0;
  WORD_RUN.lastIndex = 0;
  for (let m = WORD_RUN.exec(text); m; m = WORD_RUN.exec(text)) {
    const word = m[0];
    if (word.length <= MAX_TOKEN_CHARS) continue; // code points ≤ code units
    const cut = firstCodePoints(word, MAX_TOKEN_CHARS);
    if (cut.length === word.length) continue;
    out.push(text.slice(last, m.index), cut);
    last = m.index + word.length;
  }
  if (out.length === 0) return text;
  out.push(text.slice(last));
  return out.join("");
}

/**
 * A title or heading as the index holds it: at most MAX_INDEXED_TITLE_CHARS (UTF-16
 * units), cut at a space in the second half when there is one, words capped by
 * `capTokens`.
 */
export function indexedTitle(title: string): string {
  const max = MAX_INDEXED_TITLE_CHARS;
  if (title.length <= max) return capTokens(title);
  let cut = max;
  while (cut > max / 2 && !/\s/.test(title[cut] as string)) cut--;
  if (cut <= max / 2) {
    const c = title.charCodeAt(max);
    cut = c >= 0xdc00 && c <= 0xdfff ? max - 1 : max;
  }
  return capTokens(title.slice(0, cut).trimEnd());
}

/** A folded word cut as the index cuts words. */
const capFolded = (t: string) =>
  t.length > MAX_TOKEN_CHARS ? firstCodePoints(t, MAX_TOKEN_CHARS) : t;

/** The folded word tokens of a text, each at most MAX_TOKEN_CHARS long. */
export function wordTokens(text: string): string[] {
  const out: string[] = [];
  for (const m of text.normalize("NFD").matchAll(/[\p{L}\p{N}\p{Co}\p{M}]+/gu)) {
    const t = capFolded(foldToken(m[0]));
    if (t) out.push(t);
  }
  return out;
}

/**
 * Folded and stemmed tokens, as the word index holds them. Retrieval stems the text of
 * many parts per query (`store/search.ts#leadParts`), mostly the same words, so each
 * word's stem is remembered (up to `STEM_MEMO` words, then forgotten all at once).
 */
export function stemTokens(text: string): string[] {
  const out: string[] = [];
  for (const m of text.normalize("NFD").matchAll(/[\p{L}\p{N}\p{Co}\p{M}]+/gu)) {
    let stem = stemMemo.get(m[0]);
    if (stem === undefined) {
      const t = capFolded(foldToken(m[0]));
      stem = t ? porterStem(t) : "";
      if (stemMemo.size >= STEM_MEMO) stemMemo.clear();
      stemMemo.set(m[0], stem);
    }
    if (stem) out.push(stem);
  }
  return out;
}
const STEM_MEMO = 50_000;
const stemMemo = new Map<string, string>();

export interface QueryTerm {
  /** Folded text as typed. */
  text: string;
  /** The index term it becomes (for prefixes: the prefix itself). */
  stem: string;
  prefix: boolean;
}

export interface LexicalQuery {
  /** Optional words, any of which may match: stop words removed, one per stem. */
  terms: QueryTerm[];
  /** Quoted phrases (folded tokens): every result contains each of them. */
  phrases: string[][];
  /** Words and phrases after `-`: no result contains any of them. */
  excluded: string[][];
}

const isBoundary = (c: string | undefined) => c === undefined || /[\s(]/u.test(c);

export function parseLexicalQuery(query: string): LexicalQuery {
  const text = query.normalize("NFD");
  const out: LexicalQuery = { terms: [], phrases: [], excluded: [] };
  const stems = new Set<string>();
  const addTerm = (raw: string, prefix: boolean) => {
    const folded = capFolded(foldToken(raw));
    if (!folded || out.terms.length >= QUERY_LIMITS.terms) return;
    const isPrefix = prefix && [...folded].length >= MIN_PREFIX_CHARS;
    if (!isPrefix && STOP_WORDS.has(folded)) return;
    const stem = isPrefix ? folded : porterStem(folded);
    const key = `${isPrefix ? "*" : ""}${stem}`;
    if (stems.has(key)) return;
    stems.add(key);
    out.terms.push({ text: folded, stem, prefix: isPrefix });
  };
  const addPhrase = (raw: string, negated: boolean) => {
    const tokens = wordTokens(raw).slice(0, QUERY_LIMITS.phraseTokens);
    if (tokens.length === 0) return;
    const list = negated ? out.excluded : out.phrases;
    const limit = negated ? QUERY_LIMITS.excluded : QUERY_LIMITS.phrases;
    if (list.length < limit) list.push(tokens);
  };

  let i = 0;
  while (i < text.length) {
    const c = text[i] as string;
    const negated =
      c === "-" && isBoundary(text[i - 1]) && /["\p{L}\p{N}]/u.test(text[i + 1] ?? "");
    const at = negated ? i + 1 : i;
    if (text[at] === '"') {
      const close = text.indexOf('"', at + 1);
      if (close > at) {
        addPhrase(text.slice(at + 1, close), negated);
        i = close + 1;
        continue;
      }
      i = at + 1; // an unpaired quote is just a separator
      continue;
    }
    TOKEN_RUN.lastIndex = at;
    const word = TOKEN_RUN.exec(text);
    if (word) {
      const end = at + word[0].length;
      const prefix = text[end] === "*";
      if (negated) addPhrase(word[0], true);
      else addTerm(word[0], prefix);
      i = end + (prefix ? 1 : 0);
      continue;
    }
    i++;
  }
  const sentence = out.terms.filter(isContentWord).length >= SENTENCE_MIN_WORDS;
  if (sentence && (out.phrases.length || out.excluded.length)) {
    for (const words of [...out.phrases, ...out.excluded]) for (const w of words) addTerm(w, false);
    out.phrases = [];
    out.excluded = [];
  }
  return out;
}

/** True when the syntax constrains results (required phrases or exclusions). */
export const hasConstraints = (q: LexicalQuery) => q.phrases.length > 0 || q.excluded.length > 0;

/** An FTS5 string literal; the tokenizer splits it again, so it can only match text. */
export const ftsString = (s: string) => `"${s.replaceAll('"', '""')}"`;

const termExpr = (t: QueryTerm) => (t.prefix ? `${ftsString(t.text)}*` : ftsString(t.text));

/**
 * The word-index MATCH expression: phrases are required, terms optional (OR), and
 * excluded words and phrases removed with NOT. With both phrases and terms the
 * phrases appear twice (`P AND (P OR t…)`), so a part with only the phrase still
 * matches; BM25 then counts the phrase twice, which the user asked for by quoting it.
 */
export function buildWordMatch(
  q: Pick<LexicalQuery, "phrases" | "excluded">,
  terms: QueryTerm[],
): string | undefined {
  const phrases = q.phrases.map((p) => ftsString(p.join(" ")));
  const optional = terms.map(termExpr);
  let expr: string;
  if (phrases.length && optional.length) {
    expr = `${phrases.join(" AND ")} AND (${[...phrases, ...optional].join(" OR ")})`;
  } else if (phrases.length) {
    expr = phrases.join(" AND ");
  } else if (optional.length) {
    expr = optional.join(" OR ");
  } else {
    return undefined;
  }
  if (q.excluded.length) {
    expr = `(${expr}) NOT (${q.excluded.map((p) => ftsString(p.join(" "))).join(" OR ")})`;
  }
  return expr;
}

/**
 * Character trigrams of the query's content words (never of stop words, never
 * across word boundaries), for the trigram run. Prefix terms are left to the word
 * index: their trigrams would also match words that merely contain the prefix.
 */
export function queryTrigrams(q: LexicalQuery): string[] {
  const out = new Set<string>();
  const add = (word: string) => {
    const chars = [...word];
    for (let i = 0; i + 3 <= chars.length; i++) out.add(chars.slice(i, i + 3).join(""));
  };
  for (const t of q.terms) if (!t.prefix) add(t.text);
  for (const p of q.phrases) for (const w of p) if (!STOP_WORDS.has(w)) add(w);
  return [...out];
}

export const buildTrigramMatch = (trigrams: string[]) =>
  trigrams.length ? trigrams.map(ftsString).join(" OR ") : undefined;
