// Bundles the two entry points that run outside Next's own bundles, after `next build`
// (which empties .next); `npm start` and `npm run build` both run it:
//  - the engine's worker thread (lib/engine/worker/worker.ts → .next/engine-worker/worker.mjs),
//    since a worker thread needs a file of its own;
//  - Parley's HTTP server (lib/http/server.ts → .next/parley-server/server.mjs), which
//    scripts/start.mjs runs: Next.js behind the request gate.
// Packages stay external and load from node_modules.
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

const bundles = [
  { entry: "lib/engine/worker/worker.ts", out: ".next/engine-worker/worker.mjs" },
  { entry: "lib/http/server.ts", out: ".next/parley-server/server.mjs" },
];

await Promise.all(
  bundles.map(({ entry, out }) =>
    build({
      absWorkingDir: root,
      entryPoints: [entry],
      outfile: out,
      bundle: true,
      platform: "node",
      format: "esm",
      target: "node20",
      packages: "external",
      sourcemap: "linked",
      logLevel: "warning",
    }),
  ),
);
