/**
 * The visitor's or staff member's colour theme, remembered per browser in a cookie so the
 * server renders `<html data-theme>` with the page: the right colours from the first paint,
 * with no script before it. No cookie (or an unreadable one) means "follow the system".
 *
 * No zod here: this module is in the root layout's first-load script, and an enum of three
 * is checked as exactly by a set.
 */
export const THEME_COOKIE = "parley-theme";

export const THEMES = ["system", "light", "dark"] as const;
export type Theme = (typeof THEMES)[number];

const known = new Set<string>(THEMES);

/** The stored choice, from the cookie's raw value; anything else is "system". */
export function parseTheme(value: string | undefined): Theme {
  return value !== undefined && known.has(value) ? (value as Theme) : "system";
}

/** The `document.cookie` assignment that remembers `theme` for a year ("system" forgets it). */
export function themeCookie(theme: Theme, { secure = false } = {}): string {
  const attributes = `; Path=/; SameSite=Lax${secure ? "; Secure" : ""}`;
  return theme === "system"
    ? `${THEME_COOKIE}=${attributes}; Max-Age=0`
    : `${THEME_COOKIE}=${theme}${attributes}; Max-Age=${60 * 60 * 24 * 365}`;
}
