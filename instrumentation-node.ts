import { startSeeding } from "@/lib/chat/seed";
import { getEngine } from "@/lib/chat/vectara";
import { ConfigError, getConfig } from "@/lib/config";

/**
 * Called once when a server instance starts, before it accepts requests. An invalid
 * environment stops the server here with one readable message naming every bad
 * variable, instead of surfacing as a 500 on the first request that reads the config.
 */
export function exitOnInvalidConfig(): void {
  try {
    getConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    // No stack trace: the message is the whole story, and it is for an operator.
    process.stderr.write(`\n${error.message}\n\n`);
    process.exit(1);
  }
}

/**
 * In local mode, opens the embedded engine as the server starts: its database is
 * migrated, and a personal API key is generated (and printed, once) on first start.
 * Then the demo knowledge base is seeded in the background (`lib/chat/seed.ts`).
 */
export function startLocalEngine(): void {
  if (getEngine()) startSeeding();
}
