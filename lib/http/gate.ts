import { randomBytes } from "node:crypto";

/**
 * What Parley's server checks and adds before Next.js sees a request: pure functions of
 * the request line and the deployment, so they are tested without a socket.
 *
 * - Methods outside `ALLOWED_METHODS` (TRACE, TRACK, CONNECT, PROPFIND, …) get 405 with
 *   `Allow`. Next.js itself cannot build a request for some of them and answered 500.
 * - A path segment that is not valid percent-encoded UTF-8 (`%ff`, `%C0%AF`, a lone
 *   surrogate `%ED%A0%80`), or that decodes to a NUL, gets 400. Next.js decodes dynamic
 *   segments itself and answered those with a plain-text 500.
 * - Every response carries the security headers, and a Content-Security-Policy with a
 *   fresh nonce. The policy is also put on the request, which is where Next.js reads the
 *   nonce it writes on its own scripts.
 */

export const ALLOWED_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];

/** Paths whose errors are JSON in Vectara's error shape; everything else is a page. */
const JSON_PATH = /^\/(?:api|v2|oauth2?)(?:\/|$)/;

export interface Refusal {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * Undefined when the request may go on to Next.js; otherwise the response to send.
 * `routerStateValid` checks a `Next-Router-State-Tree` header as Next.js will (Next.js
 * answered an unparseable one with a 500).
 */
export function screenRequest({
  method,
  url,
  routerState,
  routerStateValid = () => true,
}: {
  method: string | undefined;
  url: string | undefined;
  routerState?: string | string[];
  routerStateValid?: (value: string | string[]) => boolean;
}): Refusal | undefined {
  const target = url ?? "";
  const path = target.split("?", 1)[0] ?? "";
  const json = isJsonPath(path);
  if (!method || !ALLOWED_METHODS.includes(method)) {
    return refuse(json, 405, `The method ${printable(method ?? "")} is not allowed.`, {
      allow: ALLOWED_METHODS.join(", "),
    });
  }
  if (!path.startsWith("/")) return refuse(json, 400, "The request target must be a path.");
  for (const segment of path.split("/")) {
    if (!segment.includes("%")) continue;
    let decoded: string;
    try {
      decoded = decodeURIComponent(segment);
    } catch {
      return refuse(json, 400, "The path is not valid percent-encoded UTF-8.");
    }
    if (decoded.includes("\0")) return refuse(json, 400, "The path contains a NUL character.");
  }
  if (routerState !== undefined && !routerStateValid(routerState)) {
    return refuse(json, 400, "The Next-Router-State-Tree header is not valid.");
  }
  return undefined;
}

/** Whether errors on `path` are JSON (APIs, the engine, OAuth) rather than pages. */
export function isJsonPath(path: string): boolean {
  return JSON_PATH.test(path);
}

/**
 * The raw HTTP response for a request Node's parser refused before any handler ran (an
 * unknown method such as TRACK, a raw non-ASCII byte in the path, a malformed header):
 * 405 for a method Node does not know, else 400, in the same shapes as `screenRequest`.
 * `rawPacket` is what the parser had read, if anything.
 */
export function rawClientErrorResponse({
  code,
  rawPacket,
  nonce,
}: {
  code: string | undefined;
  rawPacket: Buffer | undefined;
  nonce: string;
}): string {
  // The packet may hold more than this request (what came before it on the connection),
  // so the request line is looked for; without one, JSON, which every client can read.
  const text = rawPacket?.subarray(0, 8192).toString("latin1") ?? "";
  const lines = [...text.matchAll(/(?:^|\n)[!#$%&'*+.^_`|~0-9A-Za-z-]+ (\S+) HTTP\/\d\.\d\r?\n/g)];
  const target = lines.at(-1)?.[1];
  const json = target === undefined || isJsonPath(target.split("?", 1)[0] ?? "");
  const badMethod = code === "HPE_INVALID_METHOD";
  const refusal = badMethod
    ? refuse(json, 405, "The method used is not allowed.", { allow: ALLOWED_METHODS.join(", ") })
    : refuse(json, 400, "The request could not be parsed.");
  const headers = {
    ...securityHeaders({ nonce, https: false }),
    ...refusal.headers,
    "content-length": String(Buffer.byteLength(refusal.body)),
    connection: "close",
  };
  const reason = badMethod ? "Method Not Allowed" : "Bad Request";
  return `HTTP/1.1 ${refusal.status} ${reason}\r\n${Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}`)
    .join("\r\n")}\r\n\r\n${refusal.body}`;
}

function refuse(
  json: boolean,
  status: number,
  message: string,
  extra: Record<string, string> = {},
): Refusal {
  const body = json
    ? JSON.stringify({ messages: [message], request_id: crypto.randomUUID() })
    : `${message}\n`;
  return {
    status,
    headers: {
      "content-type": json ? "application/json" : "text/plain; charset=utf-8",
      "cache-control": "no-store",
      ...extra,
    },
    body,
  };
}

function printable(method: string): string {
  return /^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,32}$/.test(method) ? method : "used";
}

/** A fresh, unguessable CSP nonce (128 bits). */
export function createNonce(): string {
  return randomBytes(16).toString("base64");
}

/**
 * The Content-Security-Policy of every response. Scripts run only from Parley's own
 * origin, with the request's nonce (`'strict-dynamic'` lets Next's nonce'd loader pull in
 * its chunks); no `unsafe-inline` scripts and no `unsafe-eval`. Styles allow inline
 * `style` attributes, which server-rendered React writes. No page may frame Parley, except
 * that the widget's `/embed` may be framed by exactly the `frameAncestors` given
 * (WIDGET_ALLOWED_ORIGINS).
 */
export function contentSecurityPolicy({
  nonce,
  https,
  frameAncestors = [],
}: {
  nonce: string;
  https: boolean;
  frameAncestors?: readonly string[];
}) {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "media-src 'self'",
    "worker-src 'self' blob:",
    "manifest-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-src 'none'",
    `frame-ancestors ${frameAncestors.length > 0 ? frameAncestors.join(" ") : "'none'"}`,
    ...(https ? ["upgrade-insecure-requests"] : []),
  ].join("; ");
}

/**
 * Whether `path` is the widget's embedded chat (`/embed` and below), the one page other
 * sites may frame.
 */
export function isEmbedPath(path: string): boolean {
  return path === "/embed" || path.startsWith("/embed/") || path.startsWith("/embed?");
}

/**
 * Headers every response carries, whatever produced it (a page, an API, a static file, a
 * refusal). `frameAncestors`: the origins that may frame this response (the widget's
 * `/embed` only); it then has no `X-Frame-Options`, which cannot name origins.
 */
export function securityHeaders({
  nonce,
  https,
  frameAncestors = [],
}: {
  nonce: string;
  https: boolean;
  frameAncestors?: readonly string[];
}): Record<string, string> {
  const framable = frameAncestors.length > 0;
  return {
    "content-security-policy": contentSecurityPolicy({ nonce, https, frameAncestors }),
    "x-content-type-options": "nosniff",
    ...(!framable && { "x-frame-options": "DENY" }),
    "referrer-policy": "strict-origin-when-cross-origin",
    "permissions-policy":
      "camera=(), microphone=(), geolocation=(), payment=(), usb=(), browsing-topics=()",
    "cross-origin-opener-policy": "same-origin",
    ...(https && { "strict-transport-security": "max-age=63072000; includeSubDomains" }),
  };
}
