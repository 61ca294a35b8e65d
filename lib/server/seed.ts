import "server-only";
import path from "node:path";
import { type Config, getConfig } from "@/lib/config";
import { type BatchIndexer, DEMO_KB_DIR, ingest, SUPPORT_KB_FILTER_ATTRIBUTES } from "@/lib/ingest";
import { errorFields, getLogger } from "@/lib/observability/log";
import type { VectaraClient } from "@/lib/vectara";
import { getEngine, getVectaraClient } from "./vectara";

/**
 * Local mode's first-start seeding: makes the chatbot's corpus exist (with the KB's
 * filter attributes) and mirrors `content/demo-kb` into it. Idempotent, so it runs on
 * every start: unchanged articles are skipped by content hash, edited ones re-indexed,
 * deleted ones pruned. Only Markdown is read (examples.json lives in the same folder).
 * Articles are indexed many at a time through the engine on this thread
 * (`engine.indexDocuments`), unless a client is given without an indexer.
 */
export async function seedDemoKnowledgeBase({
  client,
  config = getConfig(),
  dir = path.resolve(/* turbopackIgnore: true */ process.cwd(), DEMO_KB_DIR),
  log = (m: string) => getLogger().info(m),
  indexer = client ? undefined : getEngine(config),
}: {
  client?: VectaraClient;
  config?: Config;
  dir?: string;
  log?: (message: string) => void;
  /** In-process batch indexing; by default the local engine when no client is given. */
  indexer?: BatchIndexer;
} = {}): Promise<void> {
  const corpus = config.vectara.corpusKey;
  const s = await ingest({
    client: client ?? getVectaraClient(config),
    indexer,
    corpus,
    paths: [dir],
    extensions: ["md", "markdown"],
    create: {
      name: "Support knowledge base",
      description: "Parley's demo knowledge base (content/demo-kb)",
      filterAttributes: SUPPORT_KB_FILTER_ATTRIBUTES,
    },
    prune: true,
  });
  const failed = s.failed.map((f) => `${f.path} (${f.reason})`).join("; ");
  log(
    `Parley: seeded '${corpus}' from ${DEMO_KB_DIR} in ${s.ms} ms: ${s.added} added, ${s.updated} updated, ` +
      `${s.unchanged} unchanged, ${s.pruned} removed, ${s.failed.length} failed${failed ? `: ${failed}` : ""}`,
  );
}

/**
 * Where first-start seeding is, for readiness (`/api/health?ready=1`): `idle` until
 * `startSeeding` runs (remote mode never seeds), then `running`, `done` or `failed`.
 * On globalThis: instrumentation's bundle seeds, the health route's bundle reads it.
 */
export type SeedingState = "idle" | "running" | "done" | "failed";

const shared = globalThis as typeof globalThis & { __parleySeeding?: SeedingState };

export function seedingState(): SeedingState {
  return shared.__parleySeeding ?? "idle";
}

/** Seeds in the background; a failure is logged and never reaches the server. */
export function startSeeding(options?: Parameters<typeof seedDemoKnowledgeBase>[0]): void {
  shared.__parleySeeding = "running";
  seedDemoKnowledgeBase(options).then(
    () => {
      shared.__parleySeeding = "done";
    },
    (error: unknown) => {
      shared.__parleySeeding = "failed";
      getLogger().error(errorFields(error), "seeding the demo knowledge base failed");
    },
  );
}
