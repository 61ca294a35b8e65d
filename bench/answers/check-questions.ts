/**
 * Checks question files against the documentation they were written on: every gold page
 * exists, and every gold sentence is found, verbatim up to whitespace, in the page as
 * the project's extractor reads it. Prints one line per problem; exit 1 if any.
 *
 *   npx tsx bench/answers/check-questions.ts bench/answers/sets/postgres-*.json
 */
import { readFileSync } from "node:fs";
import { basename, join } from "node:path";
import type { SectionInput } from "@/lib/engine/core/prepare";
import { extractFile } from "@/lib/engine/extract";
import { questionFileSchema } from "./set";

const norm = (s: string) => s.replace(/\s+/g, " ").trim().toLowerCase();

async function pageText(root: string, page: string): Promise<string | undefined> {
  const path = join(root, page);
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch {
    return undefined;
  }
  const doc = await extractFile({ name: basename(path), type: "", bytes });
  const out: string[] = [doc.title ?? ""];
  const walk = (s: SectionInput) => {
    out.push(s.title ?? "", s.text);
    for (const c of s.sections ?? []) walk(c);
  };
  for (const s of doc.sections) walk(s);
  return norm(out.join(" "));
}

let problems = 0;
const report = (msg: string) => {
  problems++;
  console.log(msg);
};
for (const file of process.argv.slice(2)) {
  const set = questionFileSchema.parse(JSON.parse(readFileSync(file, "utf8")));
  const cache = new Map<string, string | undefined>();
  const text = async (page: string) => {
    if (!cache.has(page)) cache.set(page, await pageText(set.root, page));
    return cache.get(page);
  };
  const check = async (id: string, pages: string[], sentences: string[]) => {
    const texts = await Promise.all(pages.map(text));
    pages.forEach((p, i) => {
      if (texts[i] === undefined) report(`${file} ${id}: no page ${p}`);
    });
    for (const s of sentences) {
      if (!texts.some((t) => t?.includes(norm(s)))) {
        report(`${file} ${id}: gold sentence not in its gold pages: ${s.slice(0, 80)}`);
      }
    }
  };
  for (const q of set.questions) await check(q.id, q.gold_pages, q.gold_sentences);
  for (const c of set.conversations) {
    await check(`${c.id}#1`, c.first_gold_pages, []);
    await check(`${c.id}#2`, c.gold_pages, c.gold_sentences);
  }
  const ids = [...set.questions.map((q) => q.id), ...set.conversations.map((c) => c.id)];
  const dup = ids.filter((id, i) => ids.indexOf(id) !== i);
  if (dup.length) report(`${file}: duplicate ids ${dup.join(", ")}`);
  console.error(
    `${file}: ${set.questions.length} questions, ${set.conversations.length} conversations`,
  );
}
if (problems) {
  console.log(`${problems} problem(s)`);
  process.exit(1);
}
console.log("all gold pages and sentences found");
