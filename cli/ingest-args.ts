import { z } from "zod";
import type { Chunking } from "@/lib/ingest";
import { parseCommandLine, UsageError } from "./args";

export { UsageError };

export const USAGE = `Usage: npm run ingest -- <files or folders...> --corpus <key> [options]

Indexes Markdown, HTML, text, PDF and DOCX files into a corpus. Re-running is cheap:
unchanged files are skipped, changed files are re-indexed.

Options:
  --corpus <key>            the corpus to index into (required)
  --create                  create the corpus if it does not exist
  --metadata k=v            add metadata to every document (repeatable)
  --chunking <strategy>     sentence | max_chars:N (N >= 100); default: max_chars:600
  --prune                   delete documents whose files are gone
  --dry-run                 report what would happen; change nothing
  -h, --help                show this help

Local mode (no Vectara credentials) indexes into the engine in $DATA_DIR;
remote mode uses VECTARA_API_KEY or OAuth client credentials from the environment.
Exit codes: 0 all files indexed, 1 some files failed, 2 usage or configuration error.`;

export interface IngestArgs {
  help: boolean;
  paths: string[];
  corpus: string;
  create: boolean;
  metadata: Record<string, string>;
  chunking?: Chunking;
  prune: boolean;
  dryRun: boolean;
}

const chunkingSchema = z.string().transform((v, ctx): Chunking => {
  if (v === "sentence") return "sentence";
  const m = /^max_chars:(\d+)$/.exec(v);
  const n = m ? Number(m[1]) : Number.NaN;
  if (!Number.isInteger(n) || n < 100) {
    ctx.addIssue({ code: "custom", message: `must be 'sentence' or 'max_chars:N' with N >= 100` });
    return z.NEVER;
  }
  return { maxChars: n };
});

const metadataSchema = z
  .array(z.string().regex(/^[^=\s]+=/, { message: "must look like key=value" }))
  .transform((pairs) =>
    Object.fromEntries(pairs.map((p) => [p.slice(0, p.indexOf("=")), p.slice(p.indexOf("=") + 1)])),
  );

const argsSchema = z.object({
  paths: z.array(z.string()).min(1, { message: "give at least one file or folder" }),
  corpus: z
    .string({ message: "is required" })
    .regex(/^[a-zA-Z0-9_=-]{1,50}$/, { message: "may only contain letters, digits, _, = and -" }),
  create: z.boolean(),
  metadata: metadataSchema,
  chunking: chunkingSchema.optional(),
  prune: z.boolean(),
  dryRun: z.boolean(),
});

const OPTIONS = {
  corpus: { type: "string", multiple: true },
  create: { type: "boolean", default: false },
  metadata: { type: "string", multiple: true },
  chunking: { type: "string", multiple: true },
  prune: { type: "boolean", default: false },
  "dry-run": { type: "boolean", default: false },
} as const;

/** Parses argv (without node and the script); throws UsageError with a readable message. */
export function parseIngestArgs(argv: string[]): IngestArgs {
  // Help wins over any other mistake on the line, so it is looked for before parsing.
  const options = argv.includes("--") ? argv.slice(0, argv.indexOf("--")) : argv;
  if (options.includes("-h") || options.includes("--help")) {
    return {
      help: true,
      paths: [],
      corpus: "",
      create: false,
      metadata: {},
      prune: false,
      dryRun: false,
    };
  }
  const { values, positionals } = parseCommandLine(argv, {
    options: OPTIONS,
    allowPositionals: true,
  });
  const parsed = argsSchema.safeParse({
    paths: positionals,
    corpus: once("--corpus", values.corpus),
    create: values.create,
    metadata: values.metadata ?? [],
    chunking: once("--chunking", values.chunking),
    prune: values.prune,
    dryRun: values["dry-run"],
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path[0];
    const name =
      where === "paths"
        ? "<files or folders>"
        : `--${String(where).replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
    throw new UsageError(`${name} ${issue?.message ?? "is invalid"}`);
  }
  return { help: false, ...parsed.data };
}

function once(flag: string, values: string[] | undefined): string | undefined {
  if (values && values.length > 1) throw new UsageError(`${flag} was given twice`);
  return values?.[0];
}
