import { SNIPPET_END, SNIPPET_START } from "@/lib/chat/messages";

/** Characters of context kept on each side of a snippet's match in a card. */
export const SNIPPET_CONTEXT = 160;

const markers = new RegExp(`${escapeRegExp(SNIPPET_START)}|${escapeRegExp(SNIPPET_END)}`, "g");

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Defensive: the markers should be gone by now, but never show them to a user. */
export function stripSnippetMarkers(text: string): string {
  return text.replace(markers, "");
}

/** Keeps the end of the text before a match, cut at a word boundary: "…the end". */
export function truncateStart(text: string, max = SNIPPET_CONTEXT): string {
  const clean = stripSnippetMarkers(text);
  if (clean.length <= max) return clean;
  const tail = clean.slice(clean.length - max);
  const space = tail.search(/\s/);
  // Cut at the first whitespace unless that would lose most of the context.
  const cut = space >= 0 && space < max / 2 ? tail.slice(space + 1) : tail;
  return `…${cut.trimStart()}`;
}

/** Keeps the start of the text after a match, cut at a word boundary: "the start…". */
export function truncateEnd(text: string, max = SNIPPET_CONTEXT): string {
  const clean = stripSnippetMarkers(text);
  if (clean.length <= max) return clean;
  const head = clean.slice(0, max);
  const space = head.search(/\s\S*$/);
  const cut = space > max / 2 ? head.slice(0, space) : head;
  return `${cut.trimEnd()}…`;
}

// A fixed locale and time zone: the server and the browser must print the same text,
// or hydration fails.
const dateFormat = new Intl.DateTimeFormat("en-GB", {
  day: "numeric",
  month: "long",
  year: "numeric",
  timeZone: "UTC",
});

/** "2026-05-04" → "4 May 2026"; null for anything that is not a real calendar date. */
export function formatDate(iso: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(iso)) return null;
  const date = new Date(`${iso}T00:00:00Z`);
  if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== iso) return null;
  return dateFormat.format(date);
}

/** "Updated 4 May 2026", or null when the date is missing or malformed. */
export function formatUpdated(iso: string | undefined): string | null {
  const date = iso ? formatDate(iso) : null;
  return date ? `Updated ${date}` : null;
}

export interface Piece {
  text: string;
  mark: boolean;
}

/**
 * Pieces of one text (in order, covering it) → the pieces before `from`, from `from` to
 * `to`, and after `to`, cutting any piece that straddles a boundary.
 */
export function piecesAround(
  pieces: readonly Piece[],
  from: number,
  to: number,
): [Piece[], Piece[], Piece[]] {
  const out: [Piece[], Piece[], Piece[]] = [[], [], []];
  let at = 0;
  for (const piece of pieces) {
    const end = at + piece.text.length;
    const cuts = [at, Math.min(Math.max(from, at), end), Math.min(Math.max(to, at), end), end];
    for (let g = 0; g < 3; g++) {
      const a = cuts[g] as number;
      const b = cuts[g + 1] as number;
      if (b > a) out[g]?.push({ text: piece.text.slice(a - at, b - at), mark: piece.mark });
    }
    at = end;
  }
  return out;
}
