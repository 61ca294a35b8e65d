"use client";

import { focusRing } from "@/components/ui/button";
import { MonitorIcon, MoonIcon, SunIcon } from "@/components/ui/icons";
import type { Theme } from "./theme";
import { useTheme } from "./theme-provider";

const CHOICES = [
  { theme: "system", label: "Use the system's theme", Icon: MonitorIcon },
  { theme: "light", label: "Light theme", Icon: SunIcon },
  { theme: "dark", label: "Dark theme", Icon: MoonIcon },
] as const satisfies readonly { theme: Theme; label: string; Icon: unknown }[];

/** Three pressed-or-not buttons: follow the system, always light, always dark. */
export function ThemeSwitch() {
  const { theme, setTheme } = useTheme();
  return (
    <fieldset
      data-testid="theme-switch"
      className="flex items-center gap-0.5 rounded-lg border border-border bg-surface-muted p-0.5"
    >
      <legend className="sr-only">Colour theme</legend>
      {CHOICES.map(({ theme: choice, label, Icon }) => (
        <button
          key={choice}
          type="button"
          data-testid={`theme-${choice}`}
          aria-pressed={theme === choice}
          aria-label={label}
          title={label}
          onClick={() => setTheme(choice)}
          className={`grid size-7 place-items-center rounded-md text-muted hover:text-foreground aria-pressed:bg-surface aria-pressed:text-foreground aria-pressed:shadow-sm ${focusRing}`}
        >
          <Icon className="size-4" />
        </button>
      ))}
    </fieldset>
  );
}
