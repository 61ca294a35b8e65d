"use client";

import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { createContext, type PropsWithChildren, useContext, useState } from "react";
import { z } from "zod";

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

export function Providers({ children, mode }: PropsWithChildren<{ mode: Mode }>) {
  const [client] = useState(
    () =>
      new QueryClient({
        defaultOptions: { queries: { staleTime: 30_000, refetchOnWindowFocus: false, retry: 1 } },
      }),
  );
  return (
    <ModeContext value={mode}>
      <QueryClientProvider client={client}>{children}</QueryClientProvider>
    </ModeContext>
  );
}
