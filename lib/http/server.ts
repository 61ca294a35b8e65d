import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createRequire } from "node:module";
import { getConfig } from "@/lib/config";
import { observeRequest } from "@/lib/observability/http";
import { errorFields, getLogger } from "@/lib/observability/log";
import { isHttpsRequest, PEER_HEADER, trustPeerHeader } from "./client-address";
import {
  createNonce,
  isEmbedPath,
  rawClientErrorResponse,
  screenRequest,
  securityHeaders,
} from "./gate";
import { shutDownGracefully } from "./shutdown";

/**
 * Parley's HTTP server: Next.js behind a gate (`gate.ts`) that answers what Next.js
 * cannot (TRACE, malformed percent-encoding) with a 4xx, writes the socket's peer
 * address into the request for `clientAddress`, and puts the security headers and a
 * per-request CSP nonce on every response. `scripts/start.mjs` runs the bundle of this
 * file that `scripts/build-bundles.mjs` writes.
 */
export async function serve({
  dir,
  port,
  hostname,
}: {
  dir: string;
  port: number;
  hostname: string;
}): Promise<{ close(): Promise<boolean> }> {
  (process.env as Record<string, string>).NODE_ENV = "production";
  const { default: next } = await import("next");
  const app = next({ dev: false, dir, hostname, port, customServer: true });
  const handle = app.getRequestHandler();
  await app.prepare();
  // Read after prepare(): instrumentation has vetted the configuration by then.
  const { trustedProxyHops: hops, widgetAllowedOrigins } = getConfig();
  trustPeerHeader();

  const server = createServer((req, res) =>
    // One log line per request, with its id (lib/observability/http.ts).
    observeRequest(req, res, () => {
      const refusal = gate(req, res, hops, widgetAllowedOrigins);
      if (refusal) return;
      handle(req, res).catch((error: unknown) => {
        getLogger().error(errorFields(error), "the request handler failed");
        if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain; charset=utf-8" });
        res.end();
      });
    }),
  );
  // What Node's parser refuses (TRACK, raw non-ASCII bytes in a path) never reaches the
  // handler; it gets the gate's answer instead of an empty 400.
  server.on("clientError", (error: NodeJS.ErrnoException & { rawPacket?: Buffer }, socket) => {
    if (error.code === "ECONNRESET" || !socket.writable) {
      socket.destroy();
      return;
    }
    socket.end(
      rawClientErrorResponse({
        code: error.code,
        rawPacket: error.rawPacket,
        nonce: createNonce(),
      }),
    );
  });
  // A client sending its headers a byte at a time must not hold a connection for long.
  server.headersTimeout = 30_000;
  server.requestTimeout = 120_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, hostname, () => {
      server.off("error", reject);
      resolve();
    });
  });

  let closing: Promise<boolean> | undefined;
  return {
    // Graceful (lib/http/shutdown.ts): requests in flight finish within SHUTDOWN_GRACE_MS,
    // then Next.js, the engine and the app database close. Resolves to false on a failure.
    close() {
      closing ??= shutDownGracefully({
        server,
        graceMs: getConfig().shutdownGraceMs,
        beforeResources: () => app.close(),
        log: (line) => getLogger().info(line),
        error: (line) => getLogger().error(line),
      });
      return closing;
    },
  };
}

/** Applies the gate; true when it has answered the request itself. */
function gate(
  req: IncomingMessage,
  res: ServerResponse,
  hops: number,
  widgetOrigins: readonly string[],
): boolean {
  // The peer address is the socket's, whatever the client put in the header.
  delete req.headers[PEER_HEADER];
  const peer = req.socket.remoteAddress;
  if (peer) req.headers[PEER_HEADER] = peer;

  const headers = new Headers();
  for (const name of ["x-forwarded-proto", "origin"]) {
    const value = req.headers[name];
    if (typeof value === "string") headers.set(name, value);
  }
  const https = isHttpsRequest(headers, hops);
  const nonce = createNonce();
  // Only the widget's page may be framed, and only by the sites WIDGET_ALLOWED_ORIGINS names.
  const frameAncestors = isEmbedPath(req.url ?? "") ? widgetOrigins : [];
  const security = securityHeaders({ nonce, https, frameAncestors });
  for (const [name, value] of Object.entries(security)) res.setHeader(name, value);
  // Next.js reads the nonce for its own scripts from the request's policy.
  req.headers["content-security-policy"] = security["content-security-policy"];
  delete req.headers["content-security-policy-report-only"];

  const refusal = screenRequest({
    method: req.method,
    url: req.url,
    routerState: req.headers["next-router-state-tree"],
    routerStateValid,
  });
  if (!refusal) return false;
  // Drain what the client sends, then answer and close.
  req.resume();
  res.writeHead(refusal.status, { ...refusal.headers, connection: "close" });
  res.end(req.method === "HEAD" ? undefined : refusal.body);
  return true;
}

/**
 * Next.js's own check of the `Next-Router-State-Tree` header, so the gate refuses exactly
 * what Next.js would fail on (with a 500) and nothing it accepts.
 */
function routerStateValid(value: string | string[]): boolean {
  try {
    parseRouterState(value);
    return true;
  } catch {
    return false;
  }
}

const parseRouterState: (value: string | string[]) => unknown = createRequire(import.meta.url)(
  "next/dist/server/app-render/parse-and-validate-flight-router-state.js",
).parseAndValidateFlightRouterState;
