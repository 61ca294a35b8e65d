export async function register() {
  // The node-only module is imported inside this branch so the Edge build of this file
  // never includes it (Next.js replaces NEXT_RUNTIME at compile time).
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { exitOnInvalidConfig, exitOnUnusableUpstream, startLocalEngine } = await import(
      "./instrumentation-node"
    );
    exitOnInvalidConfig();
    await exitOnUnusableUpstream();
    startLocalEngine();
  }
}
