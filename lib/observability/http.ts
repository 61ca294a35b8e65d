import type { IncomingMessage, ServerResponse } from "node:http";
import { getConfig } from "@/lib/config";
import { type RequestContext, requestIdFrom, runWithRequestContext } from "./context";
import { getLogger } from "./log";
import { getMetrics } from "./metrics";
import { routeName } from "./route-name";

/**
 * The server's per-request hook (`lib/http/server.ts`): gives the request an id (the
 * client's sane `x-request-id`, or a new one), returns it in the `x-request-id` response
 * header, runs `serve` inside the request's context (`context.ts`), and when the response
 * is finished (or the client went away) writes one log line and counts the request.
 *
 * The line has the request id, route (ids collapsed, no query string), method, status,
 * latency, mode, the hashed visitor or staff id and the upstream's status when known:
 * never a header, cookie, body or query string.
 */
export function observeRequest(req: IncomingMessage, res: ServerResponse, serve: () => void): void {
  const started = performance.now();
  const context: RequestContext = { requestId: requestIdFrom(req.headers["x-request-id"]) };
  // Route handlers read it from the request too (and so does anything Next runs outside
  // this async context).
  req.headers["x-request-id"] = context.requestId;
  res.setHeader("x-request-id", context.requestId);
  let done = false;
  const finish = () => {
    if (done) return;
    done = true;
    logRequest({
      context,
      method: req.method ?? "GET",
      url: req.url,
      status: res.writableFinished ? res.statusCode : 499,
      latencyMs: performance.now() - started,
    });
  };
  res.once("finish", finish);
  res.once("close", finish);
  runWithRequestContext(context, serve);
}

/** Writes a request's line and counts it. Exported for tests. */
export function logRequest({
  context,
  method,
  url,
  status,
  latencyMs,
}: {
  context: RequestContext;
  method: string;
  url: string | undefined;
  status: number;
  latencyMs: number;
}): void {
  const route = routeName(url);
  try {
    getMetrics().httpRequests.inc({ route, method, status: String(status) });
    const line = {
      request_id: context.requestId,
      route,
      method,
      status,
      latency_ms: Math.round(latencyMs * 10) / 10,
      mode: modeOf(),
      ...(context.visitor ? { visitor: context.visitor } : {}),
      ...(context.staff ? { staff: context.staff } : {}),
      ...(context.upstreamStatus !== undefined ? { upstream_status: context.upstreamStatus } : {}),
    };
    const log = getLogger();
    if (status >= 500) log.error(line, "request");
    else log.info(line, "request");
  } catch {
    // A log line must never fail a request.
  }
}

function modeOf(): string | undefined {
  try {
    return getConfig().mode;
  } catch {
    return undefined;
  }
}
