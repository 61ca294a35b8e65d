/**
 * What `@ai-sdk/gateway` resolves to in the browser build (next.config.mjs
 * `turbopack.resolveAlias`). The AI SDK's one bundle imports the Vercel AI Gateway provider
 * for server-side model calls (the default provider, its error classes); the visitor's
 * `useChat` never calls a model, so none of it runs in the browser, yet Turbopack shipped
 * all of it in the first load. Parley calls models only on the server, through its own
 * OpenAI-compatible provider (lib/engine/providers/). Anything that ever does reach the
 * gateway in the browser fails loudly here, and no gateway error can arise there.
 */
function unavailable(): never {
  throw new Error(
    "The AI Gateway is not available in the browser build (lib/browser-ai-gateway.ts)",
  );
}

export class GatewayError extends Error {
  static isInstance(_error: unknown): boolean {
    return false;
  }
}

export class GatewayAuthenticationError extends GatewayError {}

export const createGateway = unavailable;

export const gateway = new Proxy(unavailable, { get: unavailable, apply: unavailable });
