/**
 * Child process for test/engine/crash.test.ts: indexes documents into a file
 * database through the engine's HTTP handler, forever, until it is killed.
 *
 *   node --import tsx test/support/crash-indexer.ts <dataDir> <firstIndex>
 *
 * Each document's id says how many parts it must have (`core-<i>-<parts>`,
 * `structured-<i>-<parts>`), and each text part holds a unique word `zq<i>x<j>`, so
 * the parent can check every document and its index after the kill. It prints
 * "begin <i>" before each request and "done <i>" after each 201.
 */
import { createEngine } from "../../lib/engine";

const [dataDir, first = "0"] = process.argv.slice(2);
if (!dataDir) throw new Error("usage: crash-indexer <dataDir> <firstIndex>");
const apiKey = "zut_crash_test_personal_key_0123456789";
const engine = createEngine({ dataDir, localApiKey: apiKey, log: () => undefined });

async function post(path: string, body: unknown): Promise<number> {
  const response = await engine.handle(
    new Request(`http://local${path}`, {
      method: "POST",
      headers: { "x-api-key": apiKey, "content-type": "application/json" },
      body: JSON.stringify(body),
    }),
  );
  await response.arrayBuffer();
  return response.status;
}

/** How many parts document `i` has: varied, and large enough that a write takes a while. */
const partsFor = (i: number) => 40 + (i % 7) * 30;

const corpus = await post("/v2/corpora", { key: "crash" });
if (corpus !== 201 && corpus !== 409) throw new Error(`creating the corpus answered ${corpus}`);

for (let i = Number(first); ; i++) {
  const n = partsFor(i);
  const sentence = (j: number) => `Part ${j} of zq${i}x${j} explains refunds and shipping.`;
  const body =
    i % 2 === 0
      ? {
          type: "core",
          id: `core-${i}-${n}`,
          metadata: { title: `Core ${i}` },
          document_parts: Array.from({ length: n }, (_, j) => ({ text: sentence(j) })),
        }
      : {
          // A title part plus one part per sentence: n parts in all.
          type: "structured",
          id: `structured-${i}-${n}`,
          sections: [
            {
              title: `Section ${i}`,
              text: Array.from({ length: n - 1 }, (_, j) => sentence(j)).join(" "),
            },
          ],
        };
  process.stdout.write(`begin ${i}\n`);
  const status = await post("/v2/corpora/crash/documents", body);
  if (status !== 201) throw new Error(`indexing document ${i} answered ${status}`);
  process.stdout.write(`done ${i}\n`);
}
