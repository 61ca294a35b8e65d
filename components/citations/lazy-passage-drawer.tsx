"use client";

import dynamic from "next/dynamic";
import type { PassageDrawerProps } from "./passage-drawer";

/**
 * The passage drawer in its own chunk. Render it only once a passage is requested
 * (`{citation && <LazyPassageDrawer … />}`) so the chunk loads on first use.
 */
export const LazyPassageDrawer = dynamic<PassageDrawerProps>(
  () => import("./passage-drawer").then((m) => m.PassageDrawer),
  { ssr: false },
);

export type { PassageDrawerProps };
