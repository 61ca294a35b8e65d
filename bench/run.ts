import { benchClient } from "./client.bench";
import { benchSse } from "./sse.bench";

/** `npm run bench`: runs every benchmark and prints its figures (see docs/benchmarks.md). */
const benches: Record<string, () => Promise<void>> = { sse: benchSse, client: benchClient };
const only = process.argv.slice(2);
for (const [name, run] of Object.entries(benches)) {
  if (only.length && !only.includes(name)) continue;
  await run();
}
