import { z } from "zod";
import type { Chunking } from "@/lib/ingest";

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

export class UsageError extends Error {
  override name = "UsageError";
}

const FLAGS = { "--create": "create", "--prune": "prune", "--dry-run": "dryRun" } as const;
const VALUED = {
  "--corpus": "corpus",
  "--chunking": "chunking",
  "--metadata": "metadata",
} as const;

/** Parses argv (without node and the script); throws UsageError with a readable message. */
export function parseIngestArgs(argv: string[]): IngestArgs {
  // Help wins over any other mistake on the line.
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
  const raw = {
    paths: [] as string[],
    corpus: undefined as string | undefined,
    chunking: undefined as string | undefined,
    metadata: [] as string[],
    create: false,
    prune: false,
    dryRun: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === "--") {
      raw.paths.push(...argv.slice(i + 1));
      break;
    }
    const [flag, inline] = arg.startsWith("--") ? splitInline(arg) : [arg, undefined];
    if (flag in FLAGS) {
      if (inline !== undefined) throw new UsageError(`${flag} takes no value`);
      raw[FLAGS[flag as keyof typeof FLAGS]] = true;
      continue;
    }
    if (flag in VALUED) {
      const value = inline ?? argv[++i];
      if (value === undefined || (inline === undefined && value.startsWith("--"))) {
        throw new UsageError(`${flag} needs a value`);
      }
      const key = VALUED[flag as keyof typeof VALUED];
      if (key === "metadata") raw.metadata.push(value);
      else if (raw[key] !== undefined) throw new UsageError(`${flag} was given twice`);
      else raw[key] = value;
      continue;
    }
    if (arg.startsWith("-") && arg !== "-") throw new UsageError(`unknown option ${flag}`);
    raw.paths.push(arg);
  }
  const parsed = argsSchema.safeParse(raw);
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

function splitInline(arg: string): [string, string | undefined] {
  const eq = arg.indexOf("=");
  return eq === -1 ? [arg, undefined] : [arg.slice(0, eq), arg.slice(eq + 1)];
}
