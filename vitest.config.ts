import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: {
    alias: { "@": fileURLToPath(new URL(".", import.meta.url)) },
  },
  test: {
    include: ["lib/**/*.test.ts", "test/**/*.test.ts", "cli/**/*.test.ts"],
    environment: "node",
    // The JSON report feeds the "N passed, N failed" line that .ci/run prints.
    reporters: ["default", ["json", { outputFile: "reports/unit.json" }]],
    testTimeout: 20_000,
    server: { deps: { inline: ["server-only"] } },
  },
});
