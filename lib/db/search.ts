import "server-only";
import { z } from "zod";
import { decodeCursor, encodeCursor } from "./cursor";
import type { SqlDriver, SqlValue } from "./driver";

/**
 * Plain-words search over the conversations Parley stored: every turn's question and
 * answer in the app DB. A conversation matches when each word occurs, case-insensitively,
 * in some turn's question or answer (any order, any turns). Words are substrings, so
 * "password" also finds "passwords".
 *
 * The SQL is `LOWER(column) LIKE '%word%'` with the wildcards escaped: portable, but not
 * the same on both databases beyond ASCII (SQLite lowers ASCII only, Postgres follows its
 * locale). So SQL only narrows the candidates, with every non-ASCII character of a word
 * a one-character wildcard (a superset on both), and each candidate is then checked here
 * in JavaScript with one rule; SQLite and Postgres return the same conversations.
 * Accents count: "cafe" does not find "café" (a folded copy of the text would be needed).
 *
 * The cost is bounded: at most MAX_SEARCH_WORDS words of at most MAX_WORD_LENGTH
 * characters, and one request looks at no more than SCAN_WINDOW conversations. A page
 * may be short, even empty, and still have a next page, like Vectara's filtered list.
 */

export const MAX_SEARCH_LENGTH = 200;
export const MAX_SEARCH_WORDS = 8;
export const MAX_WORD_LENGTH = 50;
/** Conversations one request looks through, newest first, before it says where to go on. */
export const SCAN_WINDOW = 2000;
/** Characters of context shown around the first matching word. */
const SNIPPET_CHARS = 180;

export type SearchWords = { ok: true; words: string[] } | { ok: false; problem: string };

/**
 * The words of what a staff member typed: letters and digits in any script, lowercased,
 * each once; punctuation and spacing separate words and are otherwise ignored.
 */
export function parseSearchWords(text: string): SearchWords {
  if (text.length > MAX_SEARCH_LENGTH) {
    return { ok: false, problem: `The search is longer than ${MAX_SEARCH_LENGTH} characters.` };
  }
  const found = foldText(text.normalize("NFKC")).match(/[\p{L}\p{N}\p{M}]+/gu) ?? [];
  const words = [...new Set(found)];
  if (words.length === 0) {
    return { ok: false, problem: "Type at least one word (letters or digits) to search for." };
  }
  if (words.length > MAX_SEARCH_WORDS) {
    return {
      ok: false,
      problem: `Search for at most ${MAX_SEARCH_WORDS} words at a time (this has ${words.length}).`,
    };
  }
  const long = words.find((w) => [...w].length > MAX_WORD_LENGTH);
  if (long) {
    return {
      ok: false,
      problem: `The word "${long.slice(0, 20)}…" is longer than ${MAX_WORD_LENGTH} characters.`,
    };
  }
  return { ok: true, words };
}

/**
 * Lowercases one character at a time, as SQL's LOWER sees characters: ASCII letters
 * always, other characters only into other non-ASCII ones. So an ASCII letter of a word
 * matches exactly what `LOWER(column) LIKE` matches on both databases (the Kelvin sign
 * stays itself, though Postgres would lower it to "k"), and words never depend on the
 * letters around them (JavaScript lowers a final Σ differently).
 */
export function foldText(text: string): string {
  let out = "";
  for (const ch of text) out += foldChar(ch);
  return out;
}

function foldChar(ch: string): string {
  const code = ch.charCodeAt(0);
  if (code <= 0x7f) return code >= 65 && code <= 90 ? String.fromCharCode(code + 32) : ch;
  const lower = ch.toLowerCase();
  for (let i = 0; i < lower.length; i++) if (lower.charCodeAt(i) <= 0x7f) return ch;
  return lower;
}

/** A LIKE pattern for `word` anywhere: `%`, `_` and `\` escaped, non-ASCII characters as `_`. */
export function likePatternFor(word: string): string {
  let out = "";
  for (const ch of word) {
    if (ch === "%" || ch === "_" || ch === "\\") out += `\\${ch}`;
    else if (ch.charCodeAt(0) > 0x7f) out += "_";
    else out += ch;
  }
  return `%${out}%`;
}

/** One stretch of a snippet; `hit` when it is one of the searched words. */
export interface SnippetPart {
  text: string;
  hit: boolean;
}

export interface SearchSnippet {
  /** 1-based number of the turn, in the order the app DB stored them. */
  turn: number;
  side: "question" | "answer";
  parts: SnippetPart[];
}

export interface ChatSearchHit {
  chatId: string;
  createdAt: number;
  snippet: SearchSnippet;
}

const chatKeyRow = z
  .object({ chat_id: z.string(), created_at: z.coerce.number().int() })
  .transform((r) => ({ chatId: r.chat_id, createdAt: r.created_at }));

const turnTextRow = z.object({
  chat_id: z.string(),
  query: z.string(),
  answer: z.string(),
});

/**
 * The conversations whose turns contain every word, newest first (by when the app DB
 * first saw them), a page at a time; each with a snippet of the turn that matches best.
 * `chatIds` narrows the search to those conversations.
 */
export async function searchChatsByWords({
  db,
  words,
  chatIds,
  limit,
  cursor,
  scanWindow = SCAN_WINDOW,
}: {
  db: SqlDriver;
  words: readonly string[];
  chatIds?: readonly string[];
  limit: number;
  cursor?: string | null;
  scanWindow?: number;
}): Promise<{ hits: ChatSearchHit[]; nextCursor: string | null }> {
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
    throw new RangeError(`limit must be an integer from 1 to 1000 (got ${limit})`);
  }
  if (words.length === 0 || words.length > MAX_SEARCH_WORDS) {
    throw new RangeError(`search for 1 to ${MAX_SEARCH_WORDS} words (got ${words.length})`);
  }
  const at = cursor ? decodeCursor(cursor) : undefined;
  const after = at && { createdAt: at.time, chatId: at.id };

  // Which conversations this request may look at: the next `scanWindow` after the cursor.
  const scope: string[] = [];
  const scopeParams: SqlValue[] = [];
  if (after) {
    // A row-value comparison (SQLite 3.15+, Postgres) walks the index; an OR would sort.
    scope.push("(c.created_at, c.chat_id) < (?, ?)");
    scopeParams.push(after.createdAt, after.chatId);
  }
  if (chatIds?.length) {
    scope.push(`c.chat_id IN (${chatIds.map(() => "?").join(", ")})`);
    scopeParams.push(...chatIds);
  }
  const scopeSql = scope.length ? `WHERE ${scope.join(" AND ")}` : "";
  // The window's last conversation, when more come after it; else the window runs to the end.
  const edgeRows = await db.all(
    `SELECT c.chat_id, c.created_at FROM chats c ${scopeSql}
     ORDER BY c.created_at DESC, c.chat_id DESC LIMIT 2 OFFSET ?`,
    [...scopeParams, scanWindow - 1],
  );
  const edge = edgeRows.length === 2 ? chatKeyRow.parse(edgeRows[0]) : undefined;

  const where = [...scope];
  const params = [...scopeParams];
  if (edge) {
    where.push("(c.created_at, c.chat_id) >= (?, ?)");
    params.push(edge.createdAt, edge.chatId);
  }
  for (const word of words) {
    where.push(`EXISTS (SELECT 1 FROM turns t WHERE t.chat_id = c.chat_id
      AND (LOWER(t.query) LIKE ? ESCAPE '\\' OR LOWER(t.answer) LIKE ? ESCAPE '\\'))`);
    const pattern = likePatternFor(word);
    params.push(pattern, pattern);
  }
  const candidates = (
    await db.all(
      `SELECT c.chat_id, c.created_at FROM chats c WHERE ${where.join(" AND ")}
       ORDER BY c.created_at DESC, c.chat_id DESC LIMIT ?`,
      [...params, limit + 1],
    )
  ).map((r) => chatKeyRow.parse(r));

  const page = candidates.slice(0, limit);
  const hits = await confirmHits(db, page, words);
  const last = page.at(-1);
  const nextCursor =
    candidates.length > limit && last ? cursorAt(last) : edge ? cursorAt(edge) : null;
  return { hits, nextCursor };
}

/** Checks each candidate with the one case rule (foldText) and finds its best snippet. */
async function confirmHits(
  db: SqlDriver,
  candidates: { chatId: string; createdAt: number }[],
  words: readonly string[],
): Promise<ChatSearchHit[]> {
  if (candidates.length === 0) return [];
  const rows = await db.all(
    `SELECT chat_id, query, answer FROM turns
     WHERE chat_id IN (${candidates.map(() => "?").join(", ")})
     ORDER BY chat_id, created_at ASC, turn_id ASC`,
    candidates.map((c) => c.chatId),
  );
  const turnsByChat = new Map<string, { query: string; answer: string }[]>();
  for (const row of rows) {
    const t = turnTextRow.parse(row);
    const list = turnsByChat.get(t.chat_id) ?? [];
    list.push(t);
    turnsByChat.set(t.chat_id, list);
  }
  return candidates.flatMap((c) => {
    const snippet = bestSnippet(turnsByChat.get(c.chatId) ?? [], words);
    return snippet ? [{ chatId: c.chatId, createdAt: c.createdAt, snippet }] : [];
  });
}

/** The text folded (foldText), with each folded character's offset in the original. */
function foldWithOffsets(text: string): { lower: string; offsets: number[] } {
  let lower = "";
  const offsets: number[] = [];
  let i = 0;
  for (const ch of text) {
    const l = foldChar(ch);
    for (let k = 0; k < l.length; k++) offsets.push(i);
    lower += l;
    i += ch.length;
  }
  offsets.push(text.length);
  return { lower, offsets };
}

/** Where each word occurs in `text` (original offsets), merged where they overlap. */
export function findWordRanges(text: string, words: readonly string[]): [number, number][] {
  const { lower, offsets } = foldWithOffsets(text);
  const ranges: [number, number][] = [];
  for (const word of words) {
    for (let at = lower.indexOf(word); at !== -1; at = lower.indexOf(word, at + word.length)) {
      ranges.push([offsets[at] as number, offsets[at + word.length] as number]);
    }
  }
  ranges.sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const r of ranges) {
    const top = merged.at(-1);
    if (top && r[0] <= top[1]) top[1] = Math.max(top[1], r[1]);
    else merged.push([r[0], r[1]]);
  }
  return merged;
}

/**
 * The snippet of the turn side holding the most of the words (the earliest on a tie),
 * or undefined when the conversation does not hold every word.
 */
export function bestSnippet(
  turns: readonly { query: string; answer: string }[],
  words: readonly string[],
): SearchSnippet | undefined {
  const missing = new Set(words);
  let best: { turn: number; side: "question" | "answer"; text: string; count: number } | undefined;
  turns.forEach((t, index) => {
    for (const [side, text] of [
      ["question", t.query],
      ["answer", t.answer],
    ] as const) {
      const lower = foldText(text);
      const present = words.filter((w) => lower.includes(w));
      for (const w of present) missing.delete(w);
      if (present.length > (best?.count ?? 0)) {
        best = { turn: index + 1, side, text, count: present.length };
      }
    }
  });
  if (missing.size > 0 || !best) return undefined;
  return { turn: best.turn, side: best.side, parts: snippetParts(best.text, words) };
}

/** A window of the text around its first match, cut at spaces, with the words marked. */
function snippetParts(text: string, words: readonly string[]): SnippetPart[] {
  const flat = text.replace(/\s+/g, " ").trim();
  const ranges = findWordRanges(flat, words);
  const first = ranges[0]?.[0] ?? 0;
  let start = Math.max(0, first - Math.floor(SNIPPET_CHARS / 3));
  if (start > 0) {
    const space = flat.indexOf(" ", start);
    start = space !== -1 && space < first ? space + 1 : start;
  }
  let end = Math.min(flat.length, start + SNIPPET_CHARS);
  if (end < flat.length) {
    const space = flat.lastIndexOf(" ", end);
    end = space > first ? space : end;
  }
  const parts: SnippetPart[] = [];
  const push = (text: string, hit: boolean) => {
    if (text) parts.push({ text, hit });
  };
  if (start > 0) push("…", false);
  let at = start;
  for (const [from, to] of ranges) {
    if (to <= start || from >= end) continue;
    const a = Math.max(from, start);
    const b = Math.min(to, end);
    push(flat.slice(at, a), false);
    push(flat.slice(a, b), true);
    at = b;
  }
  push(flat.slice(at, end), false);
  if (end < flat.length) push("…", false);
  return parts;
}

function cursorAt(chat: { createdAt: number; chatId: string }): string {
  return encodeCursor({ time: chat.createdAt, id: chat.chatId });
}
