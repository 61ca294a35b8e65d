import { isIP } from "node:net";
import { getConfig } from "@/lib/config";

/**
 * Who is asking, and over what: the one place Parley decides a request's client address
 * and whether it came over https. Every limit and log line goes through here.
 *
 * Parley's own HTTP server (`lib/http/server.ts`) writes the socket's peer address into
 * `PEER_HEADER` on every request, after deleting any value the client sent, and marks the
 * process as served by it. X-Forwarded-For and X-Forwarded-Proto are read only when
 * TRUSTED_PROXY_HOPS says how many proxies in front of Parley append to them: a client
 * can send those headers too, so with 0 hops they are ignored.
 */

/** Request header carrying the socket's peer address, set by Parley's server only. */
export const PEER_HEADER = "x-parley-peer";

/** The address used when no trustworthy one is known (every such request shares it). */
export const UNKNOWN_ADDRESS = "unknown";

const SERVED = Symbol.for("parley.http.peer-header-trusted");

/**
 * Called by Parley's server before it serves anything: from then on `PEER_HEADER` is
 * known to come from the server itself. Without it (under `next dev`, for instance) the
 * header is ignored, so no client can choose its own address.
 */
export function trustPeerHeader(trusted = true): void {
  (globalThis as Record<symbol, unknown>)[SERVED] = trusted;
}

function peerHeaderTrusted(): boolean {
  return (globalThis as Record<symbol, unknown>)[SERVED] === true;
}

/**
 * The client's address: with `hops` 0, the socket's peer; with N trusted proxies, the
 * Nth address from the right of X-Forwarded-For (the one the outermost trusted proxy
 * saw), or the leftmost when the list is shorter. Unknown when neither is available or
 * the chosen entry is not an IP address.
 */
export function clientAddress(headers: Headers, hops: number): string {
  const peer = peerHeaderTrusted() ? normalizeAddress(headers.get(PEER_HEADER)) : undefined;
  if (hops <= 0) return peer ?? UNKNOWN_ADDRESS;
  const forwarded = listHeader(headers.get("x-forwarded-for"));
  if (forwarded.length === 0) return peer ?? UNKNOWN_ADDRESS;
  const chosen = forwarded[Math.max(0, forwarded.length - hops)];
  return normalizeAddress(chosen) ?? peer ?? UNKNOWN_ADDRESS;
}

/** `clientAddress` with the deployment's TRUSTED_PROXY_HOPS. */
export function requestClientAddress(headers: Headers): string {
  return clientAddress(headers, getConfig().trustedProxyHops);
}

/** `isHttpsRequest` with the deployment's TRUSTED_PROXY_HOPS. */
export function requestIsHttps(headers: Headers, url?: string): boolean {
  return isHttpsRequest(headers, getConfig().trustedProxyHops, url);
}

/**
 * Whether the browser reached Parley over https: X-Forwarded-Proto from the trusted
 * proxies when there are any, else the request's own scheme. A browser's `Origin`
 * also counts (a browser never lies about its own page's scheme, and anything else that
 * claims https only makes its own cookies Secure).
 */
export function isHttpsRequest(headers: Headers, hops: number, url?: string): boolean {
  if (hops > 0) {
    const protos = listHeader(headers.get("x-forwarded-proto"));
    const proto = protos[Math.max(0, protos.length - hops)]?.toLowerCase();
    if (proto) return proto === "https";
  }
  if (url?.startsWith("https:")) return true;
  return headers.get("origin")?.startsWith("https://") ?? false;
}

/**
 * The key a per-address limit counts under: an IPv4 address as it is, an IPv6 address
 * by its /64 network, since one subscriber is given a whole /64 and can pick any
 * address in it.
 */
export function addressLimitKey(address: string): string {
  if (isIP(address) !== 6) return address;
  const groups = expandIpv6(address);
  return groups ? `${groups.slice(0, 4).join(":")}::/64` : address;
}

function listHeader(value: string | null): string[] {
  if (!value) return [];
  return value
    .split(",")
    .map((v) => v.trim())
    .filter((v) => v.length > 0);
}

/** An address without port, brackets or the IPv4-in-IPv6 prefix; undefined when it is not an IP. */
export function normalizeAddress(raw: string | null | undefined): string | undefined {
  if (!raw) return undefined;
  let value = raw.trim();
  if (value.length > 100) return undefined;
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(value);
  if (bracketed?.[1]) value = bracketed[1];
  else if (/^\d{1,3}(?:\.\d{1,3}){3}:\d+$/.test(value)) value = value.slice(0, value.indexOf(":"));
  value = value.replace(/%[\w.-]+$/, ""); // an IPv6 zone id
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(value);
  if (mapped?.[1]) value = mapped[1];
  const kind = isIP(value);
  if (kind === 4) return value;
  if (kind === 6) return expandIpv6(value)?.join(":") ?? undefined;
  return undefined;
}

/** Eight lower-case groups without leading zeros, or undefined. */
function expandIpv6(address: string): string[] | undefined {
  let text = address.toLowerCase();
  // A trailing dotted quad (::1.2.3.4) becomes two groups.
  const quad = /(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (quad) {
    const [a, b, c, d] = quad.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, quad.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const halves = text.split("::");
  if (halves.length > 2) return undefined;
  const head = halves[0] ? halves[0].split(":") : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(":") : [];
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const groups = [...head, ...Array<string>(Math.max(0, missing)).fill("0"), ...tail];
  return groups.map((g) => Number.parseInt(g, 16).toString(16));
}
