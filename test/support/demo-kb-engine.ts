import path from "node:path";
import { createEngine, type Engine, type EngineOptions } from "@/lib/engine";
import { ingest } from "@/lib/ingest";
import { createVectaraClient, type VectaraClient } from "@/lib/vectara";

export const DEMO_KB = path.resolve("content/demo-kb");

/**
 * An in-memory engine (with `options`, e.g. an LLM) with the demo knowledge base
 * ingested into `support_kb`, and a client for it. For suites that ask many questions of one corpus (makeEngine closes
 * its engine after each test); the caller closes this one.
 */
export async function openDemoKbEngine(
  create: Parameters<typeof ingest>[0]["create"] = true,
  options: Partial<EngineOptions> = {},
): Promise<{ engine: Engine; client: VectaraClient; summary: Awaited<ReturnType<typeof ingest>> }> {
  const engine = createEngine({ dataDir: "", inMemory: true, log: () => undefined, ...options });
  const client = createVectaraClient({
    baseUrl: "http://parley.local",
    fetch: engine.handle,
    auth: { type: "api_key", apiKey: engine.apiKey },
    maxRetries: 0,
  });
  const summary = await ingest({
    client,
    corpus: "support_kb",
    paths: [DEMO_KB],
    extensions: ["md"],
    create,
  });
  return { engine, client, summary };
}
