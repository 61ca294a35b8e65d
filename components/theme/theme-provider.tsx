"use client";

import { createContext, type PropsWithChildren, useCallback, useContext, useState } from "react";
import { type Theme, themeCookie } from "./theme";

const ThemeContext = createContext<{ theme: Theme; setTheme: (theme: Theme) => void }>({
  theme: "system",
  setTheme: () => {},
});

/** The chosen theme and how to change it. */
export function useTheme() {
  return useContext(ThemeContext);
}

/**
 * Holds the theme the server rendered (`initial`, from the cookie). Changing it sets
 * `<html data-theme>` at once, which the stylesheet's `color-scheme` follows, and stores the
 * choice for the next page load.
 */
export function ThemeProvider({ initial, children }: PropsWithChildren<{ initial: Theme }>) {
  const [theme, setState] = useState<Theme>(initial);
  const setTheme = useCallback((next: Theme) => {
    const root = document.documentElement;
    if (next === "system") delete root.dataset.theme;
    else root.dataset.theme = next;
    // biome-ignore lint/suspicious/noDocumentCookie: one non-secret UI preference; the Cookie Store API is not in every browser Parley supports.
    document.cookie = themeCookie(next, { secure: location.protocol === "https:" });
    setState(next);
  }, []);
  return <ThemeContext value={{ theme, setTheme }}>{children}</ThemeContext>;
}
