/**
 * What `buffer` resolves to in the browser build (next.config.mjs `turbopack.resolveAlias`).
 * The AI SDK's one bundle refers to Node's `Buffer` in code the browser never runs (the
 * Vercel gateway provider's file encoding); without this alias Turbopack ships a ~7 kB gzip
 * `buffer` polyfill in the visitor's first load for it. Nothing of Parley's uses `Buffer`
 * in the browser; if something ever does, it fails loudly here rather than silently.
 */
function unavailable(): never {
  throw new Error("Buffer is not available in the browser build (lib/browser-buffer.ts)");
}

export const Buffer = { from: unavailable, alloc: unavailable, isBuffer: () => false };
export default { Buffer };
