// Starts the engine worker from its TypeScript source (tests, `next dev`): registers tsx
// in this thread, then loads the entry. Production runs the bundle that
// scripts/build-bundles.mjs writes, without this file.
import { workerData } from "node:worker_threads";

const { register } = await import("tsx/esm/api");
register();
await import(workerData.entry);
