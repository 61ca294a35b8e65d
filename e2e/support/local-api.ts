import { randomBytes } from "node:crypto";
import { createVectaraClient, type VectaraClient } from "../../lib/vectara";
import { E2E_API_KEY } from "./keys";

/** The typed Vectara client, pointed at the running app's /v2 over real HTTP; `null` sends no key. */
export function localClient(baseURL: string, apiKey: string | null = E2E_API_KEY): VectaraClient {
  return createVectaraClient({
    baseUrl: baseURL,
    auth: apiKey ? { type: "api_key", apiKey } : undefined,
    maxRetries: 0,
  });
}

/** A corpus key no other test uses, so each test seeds and sees only its own data. */
export const uniqueKey = (prefix: string) => `${prefix}_${randomBytes(5).toString("hex")}`;

/** Creates an API key of a narrower role through the engine's own /v2/api_keys. */
export async function createKey(
  baseURL: string,
  role: "serving" | "serving_and_indexing",
  corpusKeys: string[],
): Promise<string> {
  const response = await fetch(`${baseURL}/v2/api_keys`, {
    method: "POST",
    headers: { "x-api-key": E2E_API_KEY, "content-type": "application/json" },
    body: JSON.stringify({ name: `e2e ${role}`, api_key_role: role, corpus_keys: corpusKeys }),
  });
  if (response.status !== 201)
    throw new Error(`creating a ${role} key answered ${response.status}`);
  return ((await response.json()) as { secret_key: string }).secret_key;
}

/** The demo KB's article count; the app seeds it in the background on first start. */
const DEMO_KB_ARTICLES = 41;

/** Waits until first-start seeding has indexed the whole demo knowledge base. */
export async function waitForDemoKb(baseURL: string, timeoutMs = 60_000): Promise<void> {
  const client = localClient(baseURL);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const size = await client.corpora.computeSize("support_kb");
      if (size.usedDocs >= DEMO_KB_ARTICLES) return;
    } catch {
      // Not created yet: seeding is still starting.
    }
    if (Date.now() > deadline) throw new Error("the demo knowledge base was not seeded in time");
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
