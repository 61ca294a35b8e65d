import type { UserRegex } from "./regex";

/**
 * One page of a filtered listing, with the request's work bounded. Rows are examined
 * in order; a row is kept when `keep` allows it and, with a regex, when one of its
 * `texts` matches. The scan stops when the page is full and one more row is kept
 * (there is a next page), when the rows run out (there is none), or when the request
 * has examined `limits.rows` rows or done `limits.steps` of regex work: then it answers
 * with what it found (possibly nothing) and `resumeAfter`, the last row examined, for
 * the page key. Every request examines at least one row, so page keys always advance.
 */
export interface ScanLimits {
  /** Rows examined per request, kept or not. */
  rows: number;
  /** Regex work per request: characters matched × program size (`UserRegex.cost`). */
  steps: number;
}

/** About 0.3 s of the worst regex work (≈15 ns a step), or a few hundred long chats. */
export const SCAN_LIMITS: ScanLimits = { rows: 5000, steps: 20_000_000 };

export interface ScannedPage<T> {
  page: T[];
  /** Set when there may be more: the next page starts after this row. */
  resumeAfter?: T;
}

export function scanPage<T>({
  rows,
  limit,
  keep,
  regex,
  texts,
  limits = SCAN_LIMITS,
  check,
}: {
  rows: Iterable<T>;
  limit: number;
  /** Cheap conditions (scope, ids), checked before the regex. */
  keep?: (row: T) => boolean;
  regex?: UserRegex;
  /** The texts the regex is matched against; any one matching keeps the row. */
  texts: (row: T) => readonly string[];
  limits?: ScanLimits;
  /** Called every 200 rows (a deadline check: it may throw). */
  check?: () => void;
}): ScannedPage<T> {
  const page: T[] = [];
  let examined = 0;
  let steps = 0;
  let last: T | undefined;
  for (const row of rows) {
    if (last !== undefined && (examined >= limits.rows || steps >= limits.steps)) {
      return { page, resumeAfter: last };
    }
    examined++;
    if (examined % 200 === 0) check?.();
    if (keep?.(row) ?? true) {
      let matched = !regex;
      if (regex) {
        for (const text of texts(row)) {
          steps += regex.cost(text);
          if (regex(text)) {
            matched = true;
            break;
          }
        }
      }
      if (matched) {
        if (page.length === limit) return { page, resumeAfter: page.at(-1) };
        page.push(row);
      }
    }
    last = row;
  }
  return { page };
}
