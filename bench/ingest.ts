import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createEngine } from "@/lib/engine";
import { type IngestSummary, ingest, SUPPORT_KB_FILTER_ATTRIBUTES } from "@/lib/ingest";
import { createVectaraClient } from "@/lib/vectara";

/**
 * `npm run bench:ingest`: files/s and parts/s of `lib/ingest` into an in-process
 * engine on a real SQLite file, for the demo KB and for 1,000 generated Markdown
 * articles. Each set is ingested twice: a first (cold) run that indexes everything,
 * and a re-run where every file is unchanged, which is what every app start costs.
 * Prints figures; never asserts.
 */

const GENERATED_FILES = 1000;

const CATEGORIES = ["account", "billing", "authentication", "integrations", "troubleshooting"];
const NOUNS = [
  "monitor",
  "workspace",
  "invoice",
  "webhook",
  "status page",
  "alert rule",
  "API key",
  "team member",
  "maintenance window",
  "escalation policy",
  "incident",
  "integration",
];
const VERBS = ["create", "pause", "delete", "rename", "export", "configure", "share", "audit"];
const FILLER = [
  "Changes apply to every member of the workspace at once.",
  "Only owners and admins can change this setting.",
  "The dashboard refreshes every thirty seconds, so allow a moment for the new value.",
  "If the option is greyed out, your plan may not include it; see Comparing plans.",
  "Beacon keeps an audit entry for each change, with who made it and when.",
  "You can undo this within 24 hours from the activity log.",
  "Email notifications go to the addresses listed under Settings › Notifications.",
  "For large workspaces, the operation runs in the background and emails you when done.",
];

/** A small deterministic PRNG, so every run benchmarks the same files. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function generateArticle(i: number, rand: () => number): string {
  const pick = <T>(xs: T[]) => xs[Math.floor(rand() * xs.length)] as T;
  const noun = pick(NOUNS);
  const verb = pick(VERBS);
  const category = CATEGORIES[i % CATEGORIES.length] as string;
  const title = `How to ${verb} a ${noun} (${i})`;
  const lines = [
    "---",
    `title: "${title}"`,
    `category: ${category}`,
    `product_area: ${noun.replace(/ /g, "_")}`,
    `url: https://help.beacon.example/${category}/article-${i}`,
    `updated: 2026-${String((i % 12) + 1).padStart(2, "0")}-15`,
    "---",
    "",
    `# ${title}`,
    "",
    `This article explains how to ${verb} a ${noun} in Beacon. ${pick(FILLER)}`,
    "",
  ];
  const sections = 2 + Math.floor(rand() * 4);
  for (let s = 0; s < sections; s++) {
    lines.push(`## ${pick(["Before you start", "Steps", "Limits", "Troubleshooting", "FAQ"])}`, "");
    const kind = rand();
    if (kind < 0.4) {
      const steps = 3 + Math.floor(rand() * 5);
      for (let k = 1; k <= steps; k++) lines.push(`${k}. ${pick(VERBS)} the **${pick(NOUNS)}**.`);
    } else if (kind < 0.6) {
      lines.push(
        "| Plan | Limit |",
        "|---|---|",
        "| Free | 10 |",
        "| Team | 100 |",
        "| Business | 500 |",
      );
    } else {
      for (let k = 0; k < 2 + Math.floor(rand() * 4); k++) lines.push(pick(FILLER));
    }
    lines.push("");
    if (rand() < 0.2) lines.push("```bash", `beacon ${verb} --id ${i}`, "```", "");
  }
  return lines.join("\n");
}

function generateFolder(root: string, n: number): void {
  const rand = rng(42);
  for (let i = 0; i < n; i++) {
    const dir = path.join(root, CATEGORIES[i % CATEGORIES.length] as string);
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, `article-${i}.md`), generateArticle(i, rand));
  }
}

async function run(label: string, folder: string): Promise<void> {
  const dataDir = mkdtempSync(path.join(tmpdir(), "parley-bench-ingest-"));
  const engine = createEngine({ dataDir, log: () => undefined });
  const client = createVectaraClient({
    baseUrl: "http://parley.local",
    fetch: engine.handle,
    auth: { type: "api_key", apiKey: engine.apiKey },
  });
  const options = {
    client,
    corpus: "bench",
    paths: [folder],
    extensions: ["md"],
    create: { filterAttributes: SUPPORT_KB_FILTER_ATTRIBUTES },
    prune: true,
  };
  try {
    const cold = await ingest(options);
    const warm = await ingest(options);
    print(label, "first run", cold);
    print(label, "re-run (unchanged)", warm);
  } finally {
    engine.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function print(label: string, phase: string, s: IngestSummary): void {
  const seconds = s.ms / 1000;
  const parts = s.parts ?? 0;
  const indexed = s.added + s.updated;
  const rate = (n: number) => (seconds > 0 ? (n / seconds).toFixed(0) : "∞");
  console.log(
    `${label.padEnd(24)} ${phase.padEnd(20)} ${String(s.files).padStart(5)} files ` +
      `(${indexed} indexed, ${s.unchanged} unchanged, ${s.failed.length} failed) ` +
      `${String(s.ms).padStart(6)} ms  ${rate(s.files).padStart(6)} files/s` +
      (indexed ? `  ${rate(parts).padStart(7)} parts/s (${parts} parts)` : ""),
  );
}

async function main(): Promise<void> {
  console.log(`Node ${process.version}, in-process engine on a SQLite file, concurrency 4\n`);
  await run("demo KB", path.resolve("content/demo-kb"));
  const generated = mkdtempSync(path.join(tmpdir(), "parley-bench-kb-"));
  try {
    generateFolder(generated, GENERATED_FILES);
    await run(`${GENERATED_FILES} generated articles`, generated);
  } finally {
    rmSync(generated, { recursive: true, force: true });
  }
}

await main();
