/**
 * Prints a documentation page as the project's own extractor reads it: the title, then
 * each section's heading and text. Question writers copy gold sentences from this view,
 * so gold text matches what ingestion indexes.
 *
 *   npx tsx bench/answers/dump-page.ts /usr/share/doc/postgresql-doc-15/html/backup-dump.html
 */
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import type { SectionInput } from "@/lib/engine/core/prepare";
import { extractFile } from "@/lib/engine/extract";

const file = process.argv[2];
if (!file) {
  console.error("usage: dump-page.ts <file>");
  process.exit(2);
}
const doc = await extractFile({ name: basename(file), type: "", bytes: readFileSync(file) });
console.log(`TITLE: ${String(doc.metadata.title ?? doc.title ?? doc.firstHeading ?? "")}`);
const walk = (s: SectionInput, depth: number) => {
  if (s.title) console.log(`\n${"#".repeat(depth + 1)} ${s.title}`);
  if (s.text) console.log(s.text);
  for (const c of s.sections ?? []) walk(c, depth + 1);
};
for (const s of doc.sections) walk(s, 1);
