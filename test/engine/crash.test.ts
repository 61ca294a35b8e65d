import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type DB, openDatabase } from "@/lib/engine/store/db";

const script = path.resolve(__dirname, "../support/crash-indexer.ts");
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/**
 * Runs the indexer until it has committed `atLeast` documents and started the
 * next, then SIGKILLs it (no chance to finish or roll back). Returns the index of
 * the document that was being written.
 */
function indexUntilKilled(dataDir: string, first: number, atLeast: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", script, dataDir, String(first)], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let done = 0;
    let killing = false;
    let inFlight = -1;
    let buffered = "";
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.stdout.on("data", (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split("\n");
      buffered = lines.pop() ?? "";
      for (const line of lines) {
        const [event, index] = line.split(" ");
        if (event === "done") done++;
        if (event === "begin") inFlight = Number(index);
      }
      // Kill while a document is being written, at a varying point within it.
      if (done >= atLeast && !killing) {
        killing = true;
        setTimeout(() => child.kill("SIGKILL"), Math.floor(Math.random() * 15));
      }
    });
    child.on("error", reject);
    child.on("exit", (code, signal) => {
      if (signal === "SIGKILL") resolve(inFlight);
      else reject(new Error(`indexer exited with ${code}: ${stderr}`));
    });
  });
}

function checkConsistency(db: DB) {
  expect(db.pragma("integrity_check", { simple: true })).toBe("ok");
  expect(db.pragma("foreign_key_check")).toEqual([]);
  // FTS5's own check of its index structures.
  db.prepare("INSERT INTO parts_fts(parts_fts) VALUES ('integrity-check')").run();
  db.prepare("INSERT INTO parts_tri(parts_tri) VALUES ('integrity-check')").run();

  const docs = db
    .prepare(
      "SELECT d.doc_id AS id, COUNT(p.id) AS parts FROM documents d LEFT JOIN parts p ON p.document_id = d.id GROUP BY d.id",
    )
    .all() as Array<{ id: string; parts: number }>;
  for (const doc of docs) {
    // The id says how many parts the document must have.
    expect(doc.parts, doc.id).toBe(Number(doc.id.split("-")[2]));
  }

  // Every part has its index rows and no index row outlives its part.
  const partIds = db.prepare("SELECT id FROM parts ORDER BY id").pluck().all();
  expect(db.prepare("SELECT rowid FROM parts_fts ORDER BY rowid").pluck().all()).toEqual(partIds);
  expect(db.prepare("SELECT rowid FROM parts_tri ORDER BY rowid").pluck().all()).toEqual(partIds);

  // And the inverted index holds each text part's words: its unique word finds it, only it.
  const find = db.prepare("SELECT rowid FROM parts_fts WHERE parts_fts MATCH ?").pluck();
  const parts = db.prepare("SELECT id, text FROM parts WHERE text LIKE 'Part %'").all() as Array<{
    id: number;
    text: string;
  }>;
  for (const p of parts) {
    const word = /zq\d+x\d+/.exec(p.text)?.[0] as string;
    expect(find.all(`text:${word}`), word).toEqual([p.id]);
  }
  return docs.length;
}

describe("crash safety", () => {
  it("never leaves a half-indexed document when the process is killed mid-write", async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), "parley-crash-"));
    dirs.push(dataDir);
    let committed = 0;
    for (const round of [0, 1, 2]) {
      const inFlight = await indexUntilKilled(dataDir, round * 100_000, 8);
      const db = openDatabase(path.join(dataDir, "engine.db"));
      try {
        const count = checkConsistency(db);
        expect(count).toBeGreaterThanOrEqual(committed + 8);
        committed = count;
        // The document being written when the kill came is all there or not there at all.
        const partial = db
          .prepare("SELECT doc_id FROM documents WHERE doc_id LIKE ?")
          .pluck()
          .all(`%-${inFlight}-%`);
        expect(partial.length).toBeLessThanOrEqual(1);
      } finally {
        db.close();
      }
    }
  }, 60_000);
});
