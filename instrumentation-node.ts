import { ConfigError, getConfig } from "@/lib/config";
import { errorFields, getLogger } from "@/lib/observability/log";
import { startSeeding } from "@/lib/server/seed";
import { checkRemoteUpstream } from "@/lib/server/startup";
import { getEngine, getVectaraClient } from "@/lib/server/vectara";

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
 * In remote mode, proves that Vectara answers, knows the corpus and lets the key query
 * it and list chats (`lib/server/startup.ts`) before the server accepts requests. A
 * failure stops the server like an invalid configuration: one message, no stack trace.
 * Takes a few seconds at most: each check has a short timeout and a few retries.
 */
export async function exitOnUnusableUpstream(): Promise<void> {
  const config = getConfig();
  if (config.mode !== "remote" || !config.vectara.auth) return;
  const result = await checkRemoteUpstream({
    client: getVectaraClient(config),
    baseUrl: config.vectara.baseUrl,
    corpusKey: config.vectara.corpusKey,
    authKind: config.vectara.auth.kind,
  });
  if (result.ok) return;
  process.stderr.write(`\n${result.message}\n\n`);
  process.exit(1);
}

/**
 * In local mode, opens the embedded engine as the server starts: its database is
 * migrated, and a personal API key is generated (and printed, once) on first start.
 * Then the demo knowledge base is seeded in the background (`lib/server/seed.ts`),
 * and so are the demo staff accounts when DEMO_PASSWORD is set.
 */
export function startLocalEngine(): void {
  if (getEngine()) startSeeding();
  seedDemoStaffAccounts();
}

/**
 * In local mode with DEMO_PASSWORD set, creates (or updates) the three demo staff
 * accounts. In the background: a failure is logged and the server keeps running.
 */
export function seedDemoStaffAccounts(): void {
  const config = getConfig();
  if (config.mode !== "local" || !config.demoPassword) return;
  const password = config.demoPassword;
  void (async () => {
    try {
      const { seedDemoStaff, DEMO_STAFF } = await import("@/lib/auth/staff");
      await seedDemoStaff({ password });
      getLogger().info(
        `Demo staff accounts ready (${DEMO_STAFF.map((u) => u.email).join(", ")}), with the password in DEMO_PASSWORD.`,
      );
    } catch (error) {
      getLogger().error(errorFields(error), "could not create the demo staff accounts");
    }
  })();
}
