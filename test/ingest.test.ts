import { execFile } from "node:child_process";
import { rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { createEngine } from "@/lib/engine";
import { CHUNKING, type IngestSummary, ingest } from "@/lib/ingest";
import { createVectaraClient, type VectaraClient } from "@/lib/vectara";
import { makeEngine } from "./support/engine";
import {
  MIXED_FAILING,
  MIXED_INDEXED,
  tempDir,
  writeMixedFolder,
  writeTree,
} from "./support/files";

async function listDocs(client: VectaraClient, corpus = "kb") {
  const docs: Array<{ id: string; metadata: Record<string, unknown> }> = [];
  for await (const d of await client.documents.list(corpus, { limit: 1000 })) {
    docs.push({ id: d.id, metadata: d.metadata ?? {} });
  }
  return docs.sort((a, b) => a.id.localeCompare(b.id));
}

async function topDocs(client: VectaraClient, query: string, corpus = "kb"): Promise<string[]> {
  const answer = await client.query.corpus(corpus, { query, search: { limit: 10 } });
  return [...new Set(answer.searchResults.map((r) => r.documentId))];
}

const counts = (s: IngestSummary) => ({
  added: s.added,
  updated: s.updated,
  unchanged: s.unchanged,
  pruned: s.pruned,
  failed: s.failed.map((f) => f.path).sort(),
});

describe("ingest (library)", () => {
  async function setup() {
    const { client } = makeEngine();
    const root = tempDir();
    await writeMixedFolder(root);
    const run = (extra: Partial<Parameters<typeof ingest>[0]> = {}) =>
      ingest({ client, corpus: "kb", paths: [root], create: true, ...extra });
    return { client, root, run };
  }

  it("indexes every supported file under a folder and reports the ones that fail", async () => {
    const { client, run } = await setup();
    const progress: string[] = [];
    const summary = await run({ onProgress: (p) => progress.push(`${p.outcome} ${p.id}`) });

    expect(counts(summary)).toEqual({
      added: 5,
      updated: 0,
      unchanged: 0,
      pruned: 0,
      failed: MIXED_FAILING,
    });
    const reasons = Object.fromEntries(summary.failed.map((f) => [f.path, f.reason]));
    expect(reasons["images/logo.png"]).toMatch(/PNG image/);
    expect(reasons["legal/broken.pdf"]).toMatch(/PDF/);
    expect(progress).toHaveLength(7);
    expect(summary.parts).toBeGreaterThan(5);

    const docs = await listDocs(client);
    expect(docs.map((d) => d.id)).toEqual(MIXED_INDEXED);
    const refund = docs.find((d) => d.id === "billing/refund-policy.md")?.metadata;
    expect(refund).toMatchObject({
      title: "Refund policy",
      category: "billing",
      product_area: "plans",
      url: "https://help.example.com/refunds",
      updated: "2026-01-15",
      source_path: "billing/refund-policy.md",
    });
    expect(refund?.content_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(docs.find((d) => d.id === "guides/welcome.html")?.metadata.title).toBe("Welcome guide");

    // Text from every kind of file is searchable, PDF and DOCX included.
    expect(await topDocs(client, "yearly plan refund")).toContain("billing/refund-policy.md");
    expect(await topDocs(client, "invite teammate")).toContain("guides/welcome.html");
    expect(await topDocs(client, "status page subscriptions")).toContain("notes.txt");
    expect(await topDocs(client, "batteries covered")).toContain("legal/warranty.pdf");
    expect(await topDocs(client, "gift cards returned")).toContain("legal/returns.docx");
    // Hidden files and node_modules were never read.
    expect(await topDocs(client, '"quuxzanzibar"')).toEqual([]);
  });

  it("changes nothing when run again, re-indexes a changed file and prunes a deleted one", async () => {
    const { client, root, run } = await setup();
    await run();

    const again = await run();
    expect(counts(again)).toMatchObject({ added: 0, updated: 0, unchanged: 5, pruned: 0 });

    writeFileSync(
      path.join(root, "notes.txt"),
      "Maintenance windows are announced two days ahead.",
    );
    rmSync(path.join(root, "guides/welcome.html"));
    const withoutPrune = await run();
    expect(counts(withoutPrune)).toMatchObject({ added: 0, updated: 1, unchanged: 3, pruned: 0 });
    expect(await topDocs(client, "maintenance windows announced")).toContain("notes.txt");
    expect(await topDocs(client, "status page subscriptions")).not.toContain("notes.txt");
    expect((await listDocs(client)).map((d) => d.id)).toContain("guides/welcome.html");

    const pruned = await run({ prune: true });
    expect(counts(pruned)).toMatchObject({ added: 0, updated: 0, unchanged: 4, pruned: 1 });
    expect((await listDocs(client)).map((d) => d.id)).not.toContain("guides/welcome.html");
  });

  it("reports what a dry run would do and changes nothing", async () => {
    const { client, root, run } = await setup();
    await run();
    const before = await listDocs(client);
    writeFileSync(path.join(root, "notes.txt"), "Changed text.");
    writeTree(root, { "new/article.md": "# New\nA brand new article." });
    rmSync(path.join(root, "legal/returns.docx"));

    const dry = await run({ prune: true, dryRun: true });
    // A dry run parses text files but cannot know whether the server will read a PDF:
    // the corrupt one counts as an upload that would be tried again.
    expect(counts(dry)).toEqual({
      added: 2,
      updated: 1,
      unchanged: 3,
      pruned: 1,
      failed: ["images/logo.png"],
    });
    expect(dry.dryRun).toBe(true);
    expect(await listDocs(client)).toEqual(before);
  });

  it("a dry run against a missing corpus creates nothing", async () => {
    const { client, run } = await setup();
    const dry = await run({ dryRun: true });
    expect(dry.added).toBe(6);
    await expect(client.corpora.get("kb")).rejects.toMatchObject({ status: 404 });
  });

  it("adds caller metadata, re-indexes when it changes, and passes the chunking strategy", async () => {
    const { client } = makeEngine();
    const root = tempDir();
    const sentences = Array.from({ length: 12 }, (_, i) => `Sentence number ${i} is here.`);
    writeTree(root, { "long.md": `# Long\n${sentences.join(" ")}` });
    const base = { client, corpus: "kb", paths: [root], create: true } as const;

    // By default, section-aware parts: sentences packed up to 600 characters.
    await ingest({ ...base, metadata: { team: "support" } });
    const packed = await client.documents.get("kb", "long.md");
    expect((await listDocs(client))[0]?.metadata.team).toBe("support");
    expect(packed.metadata[CHUNKING]).toBe("max_chars:600");

    const s = await ingest({ ...base, metadata: { team: "sales" }, chunking: "sentence" });
    expect(s.updated).toBe(1);
    const doc = await client.documents.get("kb", "long.md");
    expect(doc.metadata.team).toBe("sales");
    expect(doc.parts?.length ?? 0).toBeGreaterThan(packed.parts?.length ?? 0);

    // A new chunking strategy alone re-indexes: the parts would differ.
    const again = await ingest({ ...base, metadata: { team: "sales" } });
    expect(again).toMatchObject({ updated: 1, unchanged: 0 });
    expect((await client.documents.get("kb", "long.md")).parts?.length).toBe(packed.parts?.length);
  });

  it("fails the run when the corpus is missing and may not be created", async () => {
    const { client } = makeEngine();
    const root = tempDir();
    writeTree(root, { "a.md": "# A\nText." });
    await expect(ingest({ client, corpus: "nope", paths: [root] })).rejects.toThrow(
      /Corpus 'nope' does not exist/,
    );
  });

  it("reports a missing path, and then never prunes", async () => {
    const { client } = makeEngine();
    const root = tempDir();
    writeTree(root, { "a.md": "# A\nText.", "b.md": "# B\nMore text." });
    await ingest({ client, corpus: "kb", paths: [root], create: true });
    rmSync(path.join(root, "b.md"));
    const s = await ingest({
      client,
      corpus: "kb",
      paths: [root, path.join(root, "does-not-exist")],
      prune: true,
    });
    expect(s.failed).toEqual([
      { path: path.join(root, "does-not-exist"), reason: "no such file or directory" },
    ]);
    expect(s.pruned).toBe(0);
    expect((await listDocs(client)).map((d) => d.id)).toEqual(["a.md", "b.md"]);
  });

  it("never prunes documents that ingest did not create", async () => {
    const { client } = makeEngine();
    const root = tempDir();
    writeTree(root, { "a.md": "# A\nText." });
    await ingest({ client, corpus: "kb", paths: [root], create: true });
    await client.documents.create("kb", {
      type: "core",
      id: "uploaded-by-hand",
      document_parts: [{ text: "Added through the admin page." }],
    });
    const s = await ingest({ client, corpus: "kb", paths: [tempDir()], prune: true });
    expect(s.pruned).toBe(1);
    expect((await listDocs(client)).map((d) => d.id)).toEqual(["uploaded-by-hand"]);
  });
});

const exec = promisify(execFile);
const LOCAL_KEY = "zut_ingest_cli_test_key_0123456789";

describe("ingest through the engine's batch path", () => {
  /** Every document with its parts, as GET document shows them. */
  async function snapshot(client: VectaraClient) {
    const out: unknown[] = [];
    for (const d of await listDocs(client)) {
      const doc = await client.documents.get("kb", d.id);
      out.push({ id: doc.id, metadata: doc.metadata, parts: doc.parts });
    }
    return out;
  }

  it("indexes what one request per document indexes, and reports the same outcomes", async () => {
    const root = tempDir();
    await writeMixedFolder(root);
    writeTree(root, {
      "billing/invoices.md":
        "---\ntitle: Invoices\n---\n# Invoices\n\nInvoices are emailed monthly.\n",
      "billing/empty.md": "---\ntitle: Empty\n---\n",
    });
    const http = makeEngine();
    const batched = makeEngine();
    const calls: number[] = [];
    const indexer = {
      indexDocuments: (corpus: string, docs: readonly unknown[]) => {
        calls.push(docs.length);
        return batched.engine.indexDocuments(corpus, docs);
      },
    };
    const one = await ingest({ client: http.client, corpus: "kb", paths: [root], create: true });
    const many = await ingest({
      client: batched.client,
      indexer,
      batchSize: 2,
      corpus: "kb",
      paths: [root],
      create: true,
    });
    expect(counts(many)).toEqual(counts(one));
    // Markdown and plain text (parsed here) went through the indexer two at a time;
    // HTML, PDF and DOCX were uploads.
    expect(calls.reduce((a, b) => a + b, 0)).toBe(4);
    expect(Math.max(...calls)).toBeLessThanOrEqual(2);
    const reason = (s: IngestSummary) =>
      s.failed.find((f) => f.path === "billing/empty.md")?.reason;
    expect(reason(many)).toBe(reason(one));
    const strip = (docs: unknown[]) =>
      JSON.parse(JSON.stringify(docs).replace(/"content_hash":"[0-9a-f]+"/g, '"content_hash":""'));
    expect(strip(await snapshot(batched.client))).toEqual(strip(await snapshot(http.client)));
    expect(await topDocs(batched.client, "invoices emailed monthly")).toEqual(
      await topDocs(http.client, "invoices emailed monthly"),
    );

    // Runs again: unchanged; an edited article is updated through the indexer.
    expect(
      counts(await ingest({ client: batched.client, indexer, corpus: "kb", paths: [root] })),
    ).toMatchObject({ added: 0, updated: 0, unchanged: 6 });
    writeTree(root, { "billing/invoices.md": "# Invoices\n\nInvoices are posted yearly.\n" });
    const edited = await ingest({ client: batched.client, indexer, corpus: "kb", paths: [root] });
    expect(counts(edited)).toMatchObject({ added: 0, updated: 1, unchanged: 5 });
    expect(await topDocs(batched.client, "invoices posted yearly")).toContain(
      "billing/invoices.md",
    );
  });
});

// Each test spawns the real CLI (tsx compiles it each time): minutes under load, not ms.
describe("npm run ingest (CLI)", { timeout: 180_000 }, () => {
  async function cli(dataDir: string, args: string[]) {
    const env = {
      ...process.env,
      DATA_DIR: dataDir,
      LOCAL_API_KEY: LOCAL_KEY,
      VECTARA_API_KEY: "",
      VECTARA_CLIENT_ID: "",
      VECTARA_CLIENT_SECRET: "",
    };
    try {
      const { stdout, stderr } = await exec(
        process.execPath,
        ["--import", "tsx", "cli/ingest.ts", ...args],
        { env, cwd: process.cwd() },
      );
      return { code: 0, stdout, stderr };
    } catch (error) {
      const e = error as { code?: number; stdout?: string; stderr?: string };
      return { code: e.code ?? -1, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
    }
  }

  /** Opens the CLI's engine after the CLI exited, to see what it indexed. */
  async function indexed(dataDir: string) {
    const engine = createEngine({ dataDir, localApiKey: LOCAL_KEY, log: () => undefined });
    try {
      const client = createVectaraClient({
        baseUrl: "http://parley.local",
        fetch: engine.handle,
        auth: { type: "api_key", apiKey: LOCAL_KEY },
        maxRetries: 0,
      });
      return (await listDocs(client)).map((d) => d.id);
    } finally {
      engine.close();
    }
  }

  it("indexes a folder in local mode, reports the failures and exits 1", async () => {
    const root = tempDir();
    const dataDir = tempDir("parley-data-");
    await writeMixedFolder(root);

    const first = await cli(dataDir, [root, "--corpus", "kb", "--create", "--metadata", "team=x"]);
    expect(first.code).toBe(1);
    expect(first.stdout).toMatch(/5 added, 0 updated, 0 unchanged, 0 pruned, 2 failed/);
    expect(first.stdout).toMatch(/failed: images\/logo\.png: .*PNG image/);
    expect(first.stdout).toMatch(/failed: legal\/broken\.pdf: /);
    // Not a terminal: plain progress lines on stderr.
    expect(first.stderr).toMatch(/^added +billing\/refund-policy\.md$/m);
    expect(await indexed(dataDir)).toEqual(MIXED_INDEXED);

    const again = await cli(dataDir, [root, "--corpus", "kb", "--metadata", "team=x"]);
    expect(again.stdout).toMatch(/0 added, 0 updated, 5 unchanged, 0 pruned, 2 failed/);

    rmSync(path.join(root, "legal"), { recursive: true });
    rmSync(path.join(root, "images"), { recursive: true });
    const dry = await cli(dataDir, [
      root,
      "--corpus",
      "kb",
      "--prune",
      "--dry-run",
      "--metadata",
      "team=x",
    ]);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/Dry run: nothing changed/);
    expect(dry.stdout).toMatch(/2 would be pruned/);
    expect(await indexed(dataDir)).toEqual(MIXED_INDEXED);

    const pruned = await cli(dataDir, [root, "--corpus", "kb", "--prune", "--metadata", "team=x"]);
    expect(pruned.code).toBe(0);
    expect(pruned.stdout).toMatch(/0 added, 0 updated, 3 unchanged, 2 pruned, 0 failed/);
    expect(await indexed(dataDir)).toEqual([
      "billing/refund-policy.md",
      "guides/welcome.html",
      "notes.txt",
    ]);
  });

  it("exits 2 with a clear message on usage errors, and 0 on --help", async () => {
    const dataDir = tempDir("parley-data-");
    const noCorpus = await cli(dataDir, ["content"]);
    expect(noCorpus.code).toBe(2);
    expect(noCorpus.stderr).toMatch(/--corpus is required/);
    const badChunking = await cli(dataDir, [
      "content",
      "--corpus",
      "kb",
      "--chunking",
      "max_chars:5",
    ]);
    expect(badChunking.code).toBe(2);
    expect(badChunking.stderr).toMatch(/--chunking must be 'sentence' or 'max_chars:N'/);
    const unknown = await cli(dataDir, ["content", "--corpus", "kb", "--force"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown option --force/);
    const help = await cli(dataDir, ["--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Usage: npm run ingest/);
  });

  it("exits 1 when the corpus does not exist and --create is not given", async () => {
    const root = tempDir();
    writeTree(root, { "a.md": "# A\nText." });
    const r = await cli(tempDir("parley-data-"), [root, "--corpus", "kb"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/Corpus 'kb' does not exist/);
  });
});
