"use client";

import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { createContext, type PropsWithChildren, useContext, useState } from "react";
import { z } from "zod";
import { DEFAULT_SCORE_THRESHOLDS, type ScoreThresholds } from "@/lib/chat/score-levels";

// zod compiles object schemas with `new Function` when it may, and probes for that by
// calling it: under Parley's CSP (no 'unsafe-eval') the probe is a policy violation. The
// interpreted path gives the same results.
z.config({ jitless: true });

/** Where answers come from: the server's mode, for what the UI says about them. */
type Mode = "local" | "remote";
const ModeContext = createContext<Mode>("local");

/** The server's mode (local engine or Vectara), as the layout passed it to `Providers`. */
export function useMode(): Mode {
  return useContext(ModeContext);
}

const ScoreThresholdsContext = createContext<ScoreThresholds>(DEFAULT_SCORE_THRESHOLDS);

/** Where scores turn low and high (FCS_LOW_THRESHOLD, FCS_HIGH_THRESHOLD), as the server has them. */
export function useScoreThresholds(): ScoreThresholds {
  return useContext(ScoreThresholdsContext);
}

export function Providers({
  children,
  mode,
  scoreThresholds = DEFAULT_SCORE_THRESHOLDS,
}: PropsWithChildren<{ mode: Mode; scoreThresholds?: ScoreThresholds }>) {
  const [client] = useState(
    () =>
      new QueryClient({
        defaultOptions: { queries: { staleTime: 30_000, refetchOnWindowFocus: false, retry: 1 } },
      }),
  );
  return (
    <ModeContext value={mode}>
      <ScoreThresholdsContext value={scoreThresholds}>
        <QueryClientProvider client={client}>{children}</QueryClientProvider>
      </ScoreThresholdsContext>
    </ModeContext>
  );
}
