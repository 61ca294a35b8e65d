import type { HTMLAttributes } from "react";

/** Text for screen readers only (Tailwind's `sr-only`), e.g. live-region announcements. */
export function VisuallyHidden(props: HTMLAttributes<HTMLSpanElement>) {
  return <span {...props} className="sr-only" />;
}
