import type { ButtonHTMLAttributes } from "react";

/** The one focus ring every control uses, so keyboard users always see where they are. */
export const focusRing =
  "outline-none focus-visible:ring-2 focus-visible:ring-brand focus-visible:ring-offset-2 focus-visible:ring-offset-surface";

const variants = {
  /** Small square icon button (the name comes from `aria-label`). */
  icon: "inline-flex size-8 items-center justify-center rounded-md text-muted hover:bg-surface-muted hover:text-foreground aria-pressed:text-brand",
  /** Quiet text button: secondary actions. */
  ghost:
    "inline-flex items-center gap-1.5 rounded-md px-2.5 py-1.5 font-medium text-muted text-sm hover:bg-surface-muted hover:text-foreground",
  /** Outlined button. */
  outline:
    "inline-flex items-center gap-1.5 rounded-md border border-border bg-surface px-3 py-1.5 font-medium text-sm hover:bg-surface-muted",
  /** Filled brand button: the primary action. */
  primary:
    "inline-flex items-center gap-1.5 rounded-md bg-brand px-3 py-1.5 font-medium text-brand-foreground text-sm shadow-sm hover:bg-brand/90",
  /** Filled red: a destructive confirmation. */
  danger:
    "inline-flex items-center gap-1.5 rounded-md bg-danger px-3 py-1.5 font-medium text-sm text-white shadow-sm hover:bg-danger/90",
} as const;

export type ButtonVariant = keyof typeof variants;

export function Button({
  variant = "outline",
  className = "",
  type = "button",
  ...props
}: ButtonHTMLAttributes<HTMLButtonElement> & { variant?: ButtonVariant }) {
  return (
    <button
      type={type}
      className={`${variants[variant]} ${focusRing} transition-colors disabled:pointer-events-none disabled:opacity-50 ${className}`}
      {...props}
    />
  );
}
