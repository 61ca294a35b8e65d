// Bundles the engine's worker thread (lib/engine/worker/worker.ts) into
// .next/engine-worker/worker.mjs, which the production server starts: Next bundles the
// app, but a worker thread needs a file of its own. Packages stay external and load from
// node_modules. Run after `next build` (it empties .next); `npm start` and `npm run build`
// both do.
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

await build({
  absWorkingDir: root,
  entryPoints: ["lib/engine/worker/worker.ts"],
  outfile: ".next/engine-worker/worker.mjs",
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  packages: "external",
  sourcemap: "linked",
  logLevel: "warning",
});
