"use client";

import { useEffect } from "react";

/**
 * Brings the cited passage into view once the article is on screen, and moves focus to
 * its "Cited passage" label so keyboard and screen-reader users start reading there,
 * as a link to an anchor would. Runs once per page load.
 */
export function ScrollToPassage({ targetId }: { targetId: string }) {
  useEffect(() => {
    const target = document.getElementById(targetId);
    if (!target) return;
    // At once, not smoothly: the reader arrived here to read this passage.
    target.scrollIntoView({ block: "start" });
    target.focus({ preventScroll: true });
  }, [targetId]);
  return null;
}
