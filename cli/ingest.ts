import { mkdirSync } from "node:fs";
import path from "node:path";
import { type Config, ConfigError, loadConfig } from "@/lib/config";
import { createEngine, type Engine } from "@/lib/engine";
import {
  IngestError,
  type IngestSummary,
  ingest,
  SUPPORT_KB_FILTER_ATTRIBUTES,
} from "@/lib/ingest";
import { createVectaraClient, type VectaraClient } from "@/lib/vectara";
import { parseIngestArgs, USAGE, UsageError } from "./ingest-args";
import { createProgress } from "./progress";

/**
 * `npm run ingest -- <files or folders...> --corpus <key> [...]`. See USAGE.
 * Builds its own client from the environment: `lib/server/vectara.ts` is server-only.
 */
async function main(argv: string[]): Promise<number> {
  let args: ReturnType<typeof parseIngestArgs>;
  try {
    args = parseIngestArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`ingest: ${error.message}\n\n${USAGE}\n`);
    return 2;
  }
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }

  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    return 2;
  }

  const { client, engine } = openClient(config);
  const progress = createProgress();
  try {
    const summary = await ingest({
      client,
      // Local mode: Markdown is indexed many documents to a transaction, in this process.
      indexer: engine,
      corpus: args.corpus,
      paths: args.paths,
      metadata: args.metadata,
      chunking: args.chunking,
      // The KB's front matter, plus every --metadata key, so they can be filtered on.
      create: args.create
        ? {
            filterAttributes: [
              ...SUPPORT_KB_FILTER_ATTRIBUTES,
              ...Object.keys(args.metadata)
                .filter((k) => !SUPPORT_KB_FILTER_ATTRIBUTES.some((a) => a.name === k))
                .map((name) => ({ name, level: "document" as const, type: "text" as const })),
            ],
          }
        : false,
      prune: args.prune,
      dryRun: args.dryRun,
      onProgress: progress.update,
    });
    progress.done();
    process.stdout.write(formatSummary(summary, args.corpus, config.mode));
    return summary.failed.length ? 1 : 0;
  } catch (error) {
    progress.done();
    if (!(error instanceof IngestError)) throw error;
    process.stderr.write(`ingest: ${error.message}\n`);
    return 1;
  } finally {
    engine?.close();
  }
}

function openClient(config: Config): { client: VectaraClient; engine?: Engine } {
  if (config.mode === "local") {
    const dataDir = path.resolve(config.dataDir);
    mkdirSync(dataDir, { recursive: true });
    const engine = createEngine({
      dataDir,
      localApiKey: config.localApiKey,
      log: (m) => process.stderr.write(`${m}\n`),
    });
    const client = createVectaraClient({
      baseUrl: "http://parley.local",
      fetch: engine.handle,
      auth: { type: "api_key", apiKey: engine.apiKey },
    });
    return { client, engine };
  }
  const auth = config.vectara.auth;
  const client = createVectaraClient({
    baseUrl: config.vectara.baseUrl,
    customerId: config.vectara.customerId,
    auth:
      auth?.kind === "oauth"
        ? { type: "oauth", ...auth }
        : auth
          ? { type: "api_key", apiKey: auth.apiKey }
          : undefined,
  });
  return { client };
}

function formatSummary(s: IngestSummary, corpus: string, mode: string): string {
  const verb = s.dryRun ? "would be " : "";
  const lines = [
    `${s.dryRun ? "Dry run: nothing changed. " : ""}Corpus '${corpus}' (${mode} mode), ${s.files} files in ${(s.ms / 1000).toFixed(1)}s:`,
    `  ${s.added} ${verb}added, ${s.updated} ${verb}updated, ${s.unchanged} unchanged, ${s.pruned} ${verb}pruned, ${s.failed.length} failed`,
  ];
  if (s.parts !== undefined) lines.push(`  ${s.parts} parts in the corpus`);
  for (const f of s.failed) lines.push(`  failed: ${f.path}: ${f.reason}`);
  return `${lines.join("\n")}\n`;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(
      `ingest: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exitCode = 1;
  },
);
