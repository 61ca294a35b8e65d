/** @type {import("next").NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // The local engine's SQLite driver is a native addon; it must be required at
  // runtime from node_modules rather than bundled.
  serverExternalPackages: ["better-sqlite3"],
  // `next dev` would otherwise write agent instructions into the working tree.
  agentRules: false,
};

export default nextConfig;
