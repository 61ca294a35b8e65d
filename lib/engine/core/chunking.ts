import { type Span, splitSentences } from "./sentences";

/** Vectara's `ChunkingStrategy`: one part per sentence (default) or sentences packed up to a size. */
export type ChunkingStrategy =
  | { type: "sentence_chunking_strategy" }
  | { type: "max_chars_chunking_strategy"; max_chars_per_chunk: number };

/**
 * A sentence longer than this is cut at word boundaries even under sentence
 * chunking: a run-on "sentence" (a PDF table, a log line) would otherwise become one
 * huge part that swamps ranking and context windows.
 */
export const MAX_SENTENCE_CHARS = 2000;

export const MIN_MAX_CHARS = 100;

/**
 * Cuts `text` into chunks. Every chunk is a slice of `text` (offsets preserved).
 * Under max-chars chunking a chunk never exceeds the limit: whole sentences are
 * packed while they fit, and a sentence longer than the limit is cut at word
 * boundaries (mid-word only when a single word is longer than the limit).
 */
export function chunkText(text: string, strategy?: ChunkingStrategy): Span[] {
  const sentences = splitSentences(text);
  if (strategy?.type !== "max_chars_chunking_strategy") {
    return sentences.flatMap((s) => splitAtWords(text, s, MAX_SENTENCE_CHARS));
  }
  const max = Math.max(MIN_MAX_CHARS, strategy.max_chars_per_chunk);
  const chunks: Span[] = [];
  let current: { start: number; end: number } | undefined;
  const flush = () => {
    if (current) chunks.push(slice(text, current.start, current.end));
    current = undefined;
  };
  for (const sentence of sentences) {
    if (current && sentence.end - current.start <= max) {
      current.end = sentence.end;
      continue;
    }
    flush();
    const pieces = splitAtWords(text, sentence, max);
    const last = pieces.pop() as Span;
    chunks.push(...pieces);
    current = { start: last.start, end: last.end };
  }
  flush();
  return chunks;
}

/** Cuts one span into pieces of at most `max` characters, preferring whitespace and commas. */
export function splitAtWords(text: string, span: Span, max: number): Span[] {
  if (span.end - span.start <= max) return [span];
  const pieces: Span[] = [];
  let pos = span.start;
  while (span.end - pos > max) {
    let cut = -1;
    for (let i = pos + max; i > pos; i--) {
      const c = text[i] as string;
      if (/\s/.test(c)) {
        cut = i;
        break;
      }
      if (/[,，、;；:：]/.test(text[i - 1] as string)) {
        cut = i;
        break;
      }
    }
    if (cut === -1) {
      cut = pos + max;
      // Never split a surrogate pair.
      if (/[\uDC00-\uDFFF]/.test(text[cut] as string)) cut--;
    }
    const piece = trim(text, pos, cut);
    if (piece) pieces.push(piece);
    pos = cut;
    while (pos < span.end && /\s/.test(text[pos] as string)) pos++;
  }
  const rest = trim(text, pos, span.end);
  if (rest) pieces.push(rest);
  return pieces;
}

function slice(text: string, start: number, end: number): Span {
  return { text: text.slice(start, end), start, end };
}

function trim(text: string, start: number, end: number): Span | undefined {
  let a = start;
  let b = end;
  while (a < b && /\s/.test(text[a] as string)) a++;
  while (b > a && /\s/.test(text[b - 1] as string)) b--;
  return a < b ? slice(text, a, b) : undefined;
}
