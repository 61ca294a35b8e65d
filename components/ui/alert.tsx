import type { HTMLAttributes } from "react";
import { WarningIcon } from "./icons";

export type AlertTone = "error" | "warning";

const box: Record<AlertTone, string> = {
  error: "border-danger/30 bg-danger-soft text-danger-foreground",
  warning: "border-warning/40 bg-warning-soft text-warning-foreground",
};

const text: Record<AlertTone, string> = {
  error: "text-danger",
  warning: "text-warning-foreground",
};

const sizes = {
  xs: { box: "px-3 py-2 text-xs", text: "text-xs", icon: "size-3.5", gap: "gap-1.5" },
  sm: { box: "px-3 py-2 text-sm", text: "text-sm", icon: "size-4", gap: "gap-2" },
  /** A page's or a panel's own error, in place of what could not be shown. */
  md: { box: "px-4 py-3 text-sm", text: "text-sm", icon: "size-4", gap: "gap-2" },
} as const;

export type AlertProps = Omit<HTMLAttributes<HTMLElement>, "role"> & {
  tone?: AlertTone;
  /** `box`: the tinted, bordered box. `text`: the tone's colour only (a dialog's or a row's line). */
  variant?: "box" | "text";
  /** Text size (and, for a box, padding). A `text` alert without one inherits its parent's. */
  size?: keyof typeof sizes;
  /** Leads with the warning icon; the message goes in a span beside it. */
  icon?: boolean;
  as?: "p" | "div";
  /**
   * `role="alert"` (read out as it appears) unless false: a caution that is part of the
   * content, or a message inside a region that already announces, stays quiet.
   */
  announce?: boolean;
  "data-testid"?: string;
};

/**
 * The app's one error (or warning) message: same colours, borders and spacing everywhere,
 * `role="alert"` by default. Other attributes (id, data-*, aria-*) pass through; `className`
 * adds layout (margins, flex) and must not set colours, padding or text size.
 */
export function Alert({
  tone = "error",
  variant = "box",
  size,
  icon = false,
  as: Tag = "p",
  announce = true,
  className,
  children,
  ...props
}: AlertProps) {
  const s = size ?? (variant === "box" ? "sm" : undefined);
  const classes = [
    variant === "box" ? `rounded-lg border ${box[tone]}` : text[tone],
    s ? (variant === "box" ? sizes[s].box : sizes[s].text) : "",
    icon ? `flex items-start ${sizes[s ?? "sm"].gap}` : "",
    className ?? "",
  ]
    .filter(Boolean)
    .join(" ");
  return (
    <Tag role={announce ? "alert" : undefined} className={classes} {...props}>
      {icon ? (
        <>
          <WarningIcon className={`mt-0.5 ${sizes[s ?? "sm"].icon} shrink-0`} />
          <span>{children}</span>
        </>
      ) : (
        children
      )}
    </Tag>
  );
}
