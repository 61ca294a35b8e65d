import { randomUUID } from "node:crypto";
import {
  createServer,
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  type ServerResponse,
} from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { pathToFileURL } from "node:url";
import { z } from "zod";

/**
 * A fault-injecting reverse proxy for the e2e suite. It stands where Vectara would be for
 * the remote-mode Parley instance: every request is forwarded to `target` (the local-mode
 * app, whose /v2 API speaks Vectara's protocol) and the response is streamed back
 * unbuffered, chunk by chunk, so SSE arrives as the engine writes it. Tests arm faults
 * through a control API on the same port, and the next matching upstream call fails for
 * real: a status with a Vectara-shaped body, a reset connection, a stream cut mid-answer,
 * or a slow first byte. Nothing in the product is mocked.
 *
 * Control API:
 *   POST   /__faults  { match, fault, status?, retryAfter?, afterBytes?, delayMs?, times? }
 *                     (or an array of them) → 201 { armed }
 *   GET    /__faults  → 200 { faults } (what is still armed, in order)
 *   DELETE /__faults  → 204, disarms everything
 *   GET    /__requests → 200 { requests: [{ method, path, fault? }] }: every upstream call
 *                     the proxy received (faulted or forwarded), oldest first, the last 1000
 *   DELETE /__requests → 204, empties that log
 *   GET    /__health  → 200 { status: "ok" }
 *
 * Run: `npx tsx e2e/support/fault-proxy.ts` with FAULT_PROXY_PORT (default 3219),
 * FAULT_PROXY_HOST (default 127.0.0.1) and FAULT_PROXY_TARGET (default
 * http://127.0.0.1:3217).
 */

/** `METHOD /path`, where the method may be `*`, `*` in the path is one segment and `**` any run. */
const matchSchema = z
  .string()
  .trim()
  .regex(/^(\*|[A-Z]+) \/\S*$/, {
    message: 'must be "METHOD /path/glob", e.g. "POST /v2/chats" or "POST /v2/chats/*/turns"',
  });
const times = z.number().int().min(1).max(1000).default(1);

export const faultSchema = z.discriminatedUnion("fault", [
  z.strictObject({
    fault: z.literal("status"),
    match: matchSchema,
    /** The HTTP status to answer with, without forwarding the request. */
    status: z.number().int().min(400).max(599),
    /** Seconds, sent as Retry-After. */
    retryAfter: z.number().int().min(0).max(3600).optional(),
    /** The body's `messages[0]`; a generic message when absent. */
    message: z.string().min(1).max(500).optional(),
    times,
  }),
  z.strictObject({
    fault: z.literal("reset"),
    match: matchSchema,
    times,
  }),
  z.strictObject({
    fault: z.literal("cut-stream"),
    match: matchSchema,
    /** Response body bytes let through before the connection is destroyed. */
    afterBytes: z.number().int().min(0).default(0),
    times,
  }),
  z.strictObject({
    fault: z.literal("throttle"),
    match: matchSchema,
    /** Delay after each server-sent event: a slow model, token by token. */
    paceMs: z.number().int().min(1).max(10_000),
    times,
  }),
  z.strictObject({
    fault: z.literal("slow-first-byte"),
    match: matchSchema,
    /** How long the request waits before it is forwarded. */
    delayMs: z.number().int().min(1).max(120_000),
    times,
  }),
]);

export const controlBodySchema = z.union([faultSchema, z.array(faultSchema).min(1).max(100)]);

/** What a test sends to arm a fault (defaults applied by the proxy). */
export type FaultSpec = z.input<typeof faultSchema>;
type Fault = z.output<typeof faultSchema>;
interface Armed {
  fault: Fault;
  remaining: number;
  test: (method: string, path: string) => boolean;
}

const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "proxy-authenticate",
  "proxy-authorization",
  "proxy-connection",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
]);

/** Headers minus hop-by-hop ones, including any that `Connection` names. */
function endToEnd(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  const named = new Set(
    String(headers.connection ?? "")
      .split(",")
      .map((h) => h.trim().toLowerCase())
      .filter(Boolean),
  );
  const out: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || HOP_BY_HOP.has(name) || named.has(name)) continue;
    out[name] = value;
  }
  return out;
}

export function compileMatch(match: string): (method: string, path: string) => boolean {
  const space = match.indexOf(" ");
  const method = match.slice(0, space);
  const glob = match.slice(space + 1);
  const source = glob
    .split(/(\*\*|\*)/)
    .map((piece) =>
      piece === "**" ? ".*" : piece === "*" ? "[^/]+" : piece.replace(/[.+?^${}()|[\]\\]/g, "\\$&"),
    )
    .join("");
  const pattern = new RegExp(`^${source}/?$`);
  return (m, path) => (method === "*" || method === m) && pattern.test(path);
}

function vectaraError(res: ServerResponse, status: number, message: string, extra = {}) {
  const body = JSON.stringify({ messages: [message], request_id: randomUUID() });
  res.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(body),
    ...extra,
  });
  res.end(body);
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One upstream call as the proxy saw it: what a test counts to prove "sent once". */
export interface LoggedRequest {
  method: string;
  path: string;
  /** The fault it met, if any. */
  fault?: Fault["fault"];
}

const REQUEST_LOG_LIMIT = 1000;

export interface FaultProxy {
  url: string;
  port: number;
  /** Faults still armed, in the order they will be consumed. */
  armed(): Fault[];
  /** Upstream calls received so far, oldest first. */
  requests(): LoggedRequest[];
  close(): Promise<void>;
}

export async function startFaultProxy({
  target,
  port = 0,
  host = "127.0.0.1",
  log = () => {},
}: {
  target: string;
  port?: number;
  host?: string;
  log?: (line: string) => void;
}): Promise<FaultProxy> {
  const upstream = new URL(target);
  let armed: Armed[] = [];
  /** Forwarded requests whose client went away before the response ended (a Stop, say). */
  let abandoned = 0;
  let requests: LoggedRequest[] = [];
  const sockets = new Set<Socket>();

  /** Takes the first armed fault that matches, counting it down. */
  function take(method: string, path: string): Fault | undefined {
    const index = armed.findIndex((a) => a.test(method, path));
    const hit = armed[index];
    if (!hit) return undefined;
    hit.remaining -= 1;
    if (hit.remaining <= 0) armed.splice(index, 1);
    return hit.fault;
  }

  async function control(req: IncomingMessage, res: ServerResponse) {
    if (req.method === "DELETE") {
      await readBody(req);
      armed = [];
      res.writeHead(204).end();
      return;
    }
    if (req.method === "GET") {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ faults: armed.map((a) => ({ ...a.fault, times: a.remaining })) }));
      return;
    }
    if (req.method !== "POST") {
      vectaraError(res, 405, "Use POST, GET or DELETE on /__faults.", {
        allow: "POST, GET, DELETE",
      });
      return;
    }
    let json: unknown;
    try {
      json = JSON.parse((await readBody(req)).toString("utf8"));
    } catch {
      vectaraError(res, 400, "The body must be JSON.");
      return;
    }
    const parsed = controlBodySchema.safeParse(json);
    if (!parsed.success) {
      res.writeHead(400, { "content-type": "application/json" });
      res.end(JSON.stringify({ messages: [z.prettifyError(parsed.error)] }));
      return;
    }
    const faults = Array.isArray(parsed.data) ? parsed.data : [parsed.data];
    for (const fault of faults) {
      armed.push({ fault, remaining: fault.times, test: compileMatch(fault.match) });
      log(`fault-proxy: armed ${fault.fault} ×${fault.times} for ${fault.match}`);
    }
    res.writeHead(201, { "content-type": "application/json" });
    res.end(JSON.stringify({ armed: armed.length }));
  }

  function forward(
    req: IncomingMessage,
    res: ServerResponse,
    body: Buffer,
    cutAfter: number | undefined,
    paceMs?: number,
  ) {
    const headers = endToEnd(req.headers);
    headers.host = upstream.host;
    // The proxy passes bytes through as they come; a compressed body would defeat that.
    headers["accept-encoding"] = "identity";
    if (body.length > 0 || req.headers["content-length"] !== undefined) {
      headers["content-length"] = body.length;
    }
    const outgoing = httpRequest({
      protocol: upstream.protocol,
      hostname: upstream.hostname,
      port: upstream.port,
      method: req.method,
      path: req.url,
      headers,
    });
    // A client that goes away takes its upstream request with it.
    res.on("close", () => {
      if (res.writableFinished) return;
      abandoned++;
      outgoing.destroy();
    });
    outgoing.on("error", (error) => {
      if (res.headersSent) res.destroy();
      else vectaraError(res, 502, `The fault proxy could not reach ${target}: ${error.message}`);
    });
    outgoing.on("response", (incoming) => {
      res.writeHead(incoming.statusCode ?? 502, incoming.statusMessage, endToEnd(incoming.headers));
      res.flushHeaders();
      const socket = res.socket;
      let sent = 0;
      let cutDone = false;
      const cut = (slice?: Buffer) => {
        // Once: a chunk already read from upstream must not add a second partial slice.
        if (cutDone) return;
        cutDone = true;
        incoming.destroy();
        if (!socket) return;
        // The write callback runs once the bytes are handed to the kernel: the client gets
        // them, then the connection drops with no terminating chunk.
        // A beat between the last byte and the drop, as on a real network: otherwise the
        // client can see the reset in the same read as the bytes and discard them.
        const drop = () => setTimeout(() => socket.destroy(), 50);
        if (slice && slice.length > 0) res.write(slice, drop);
        else socket.write("", drop);
      };
      if (cutAfter === 0) {
        cut();
        return;
      }
      if (paceMs !== undefined) {
        // Re-chunk on event boundaries and let each event out after a pause.
        let pending = "";
        let queue = Promise.resolve();
        const release = (events: string[]) => {
          queue = queue.then(async () => {
            for (const event of events) {
              if (res.destroyed) return;
              res.write(event);
              await sleep(paceMs);
            }
          });
        };
        incoming.setEncoding("utf8");
        incoming.on("data", (text: string) => {
          pending += text;
          const events: string[] = [];
          for (let end = pending.indexOf("\n\n"); end !== -1; end = pending.indexOf("\n\n")) {
            events.push(pending.slice(0, end + 2));
            pending = pending.slice(end + 2);
          }
          release(events);
        });
        incoming.on("end", () => {
          release(pending ? [pending] : []);
          void queue.then(() => res.end());
        });
        incoming.on("error", () => res.destroy());
        return;
      }
      incoming.on("data", (chunk: Buffer) => {
        if (cutDone) return;
        if (cutAfter !== undefined && sent + chunk.length >= cutAfter) {
          cut(chunk.subarray(0, cutAfter - sent));
          return;
        }
        sent += chunk.length;
        // No back-pressure games: test responses are small, and every chunk goes out now.
        res.write(chunk);
      });
      incoming.on("end", () => {
        // A stream armed to be cut is cut even when it is shorter than afterBytes.
        if (cutAfter !== undefined) cut();
        else res.end();
      });
      incoming.on("error", () => res.destroy());
    });
    outgoing.end(body);
  }

  const server = createServer(async (req, res) => {
    const method = req.method ?? "GET";
    const path = new URL(req.url ?? "/", "http://proxy").pathname;
    try {
      if (path === "/__health") {
        await readBody(req);
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ status: "ok", target, armed: armed.length, abandoned }));
        return;
      }
      if (path === "/__faults") {
        await control(req, res);
        return;
      }
      if (path === "/__requests") {
        await readBody(req);
        if (req.method === "DELETE") {
          requests = [];
          res.writeHead(204).end();
          return;
        }
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ requests }));
        return;
      }
      const body = await readBody(req);
      const fault = take(method, path);
      requests.push({ method, path, ...(fault && { fault: fault.fault }) });
      if (requests.length > REQUEST_LOG_LIMIT) requests = requests.slice(-REQUEST_LOG_LIMIT);
      if (fault) log(`fault-proxy: ${fault.fault} on ${method} ${path}`);
      switch (fault?.fault) {
        case "status":
          vectaraError(
            res,
            fault.status,
            fault.message ?? `Injected failure: ${fault.status} from the fault proxy.`,
            fault.retryAfter !== undefined ? { "retry-after": String(fault.retryAfter) } : {},
          );
          return;
        case "reset":
          // A TCP reset before any response byte.
          req.socket.resetAndDestroy();
          return;
        case "slow-first-byte":
          await sleep(fault.delayMs);
          if (req.socket.destroyed) return;
          forward(req, res, body, undefined);
          return;
        case "cut-stream":
          forward(req, res, body, fault.afterBytes);
          return;
        case "throttle":
          forward(req, res, body, undefined, fault.paceMs);
          return;
        default:
          forward(req, res, body, undefined);
      }
    } catch (error) {
      if (!res.headersSent) vectaraError(res, 500, `fault proxy: ${(error as Error).message}`);
      else res.destroy();
    }
  });
  server.on("connection", (socket) => {
    socket.setNoDelay(true);
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  const actual = (server.address() as AddressInfo).port;
  return {
    url: `http://${host}:${actual}`,
    port: actual,
    armed: () => armed.map((a) => ({ ...a.fault, times: a.remaining })),
    requests: () => [...requests],
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

// Run directly (`npx tsx e2e/support/fault-proxy.ts`): serve until SIGINT/SIGTERM.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const target = process.env.FAULT_PROXY_TARGET?.trim() || "http://127.0.0.1:3217";
  const proxy = await startFaultProxy({
    target,
    port: Number(process.env.FAULT_PROXY_PORT?.trim() || 3219),
    host: process.env.FAULT_PROXY_HOST?.trim() || "127.0.0.1",
    log: (line) => console.log(line),
  });
  console.log(`fault-proxy: ${proxy.url} → ${target}`);
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      proxy.close().then(() => process.exit(0));
    });
  }
}
