/**
 * Anonymous visitor tokens: `v1.<visitorId>.<signature>`, the signature being
 * HMAC-SHA256 over `v1.<visitorId>` in base64url. Pure Web Crypto with no Node
 * imports and no `server-only`, so the same code runs in proxy.ts and on the server.
 */

export const VISITOR_COOKIE = "parley_visitor";

/**
 * The visitor cookie of the widget's frame on another site (`/embed`): SameSite=None,
 * Secure and Partitioned (CHIPS), so a browser keeps it for that site's pages only, where
 * a SameSite=Lax cookie would never be sent. Same token format as `VISITOR_COOKIE`.
 */
export const EMBED_VISITOR_COOKIE = "parley_embed";

/**
 * The visitor token as a request header, sent by the widget's frame when the browser keeps
 * no cookie there (its history then lasts as long as the page). Proxy-only: it becomes the
 * request's visitor cookie before anything else reads it.
 */
export const VISITOR_HEADER = "x-parley-visitor";

/** Set by proxy.ts (never by a client) when it gave this request a new visitor. */
export const NEW_VISITOR_HEADER = "x-parley-new-visitor";

const VERSION = "v1";
const VISITOR_ID = /^vis_[A-Za-z0-9_-]{22}$/;
// 22 base64url characters carry the id's 128 bits; 43 carry the 256-bit signature.
const TOKEN = /^v1\.(vis_[A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{43})$/;
const MIN_SECRET_LENGTH = 32;
const MAX_AGE_SECONDS = 400 * 24 * 60 * 60;

export function createVisitorId(): string {
  return `vis_${toBase64Url(crypto.getRandomValues(new Uint8Array(16)))}`;
}

export function isVisitorId(value: unknown): value is string {
  return typeof value === "string" && VISITOR_ID.test(value);
}

export async function createVisitorToken({
  secret,
  visitorId = createVisitorId(),
}: {
  secret: string;
  visitorId?: string;
}): Promise<string> {
  if (!isVisitorId(visitorId)) throw new TypeError("Not a visitor id");
  const payload = `${VERSION}.${visitorId}`;
  return `${payload}.${await sign(secret, payload)}`;
}

/** The visitor id the token was signed for, or null for anything else. Never throws on input. */
export async function verifyVisitorToken({
  secret,
  token,
}: {
  secret: string;
  token: unknown;
}): Promise<string | null> {
  if (typeof token !== "string" || token.length > 100) return null;
  const match = TOKEN.exec(token);
  const visitorId = match?.[1];
  const signature = match?.[2];
  if (!visitorId || !signature) return null;
  const expected = await sign(secret, `${VERSION}.${visitorId}`);
  return constantTimeEqual(signature, expected) ? visitorId : null;
}

export interface VisitorCookieOptions {
  httpOnly: true;
  sameSite: "lax";
  path: "/";
  secure: boolean;
  /** Seconds: 400 days, the longest lifetime browsers accept. */
  maxAge: number;
}

/**
 * Options for setting the visitor cookie. `secure` follows the scheme the browser used,
 * which the caller decides (`requestIsHttps` in lib/http/client-address.ts: the
 * request's own scheme, or X-Forwarded-Proto only behind trusted proxies).
 */
export function visitorCookieOptions({ secure }: { secure: boolean }): VisitorCookieOptions {
  return {
    httpOnly: true,
    sameSite: "lax",
    path: "/",
    secure,
    maxAge: MAX_AGE_SECONDS,
  };
}

export interface EmbedCookieOptions {
  httpOnly: true;
  sameSite: "none";
  secure: true;
  partitioned: true;
  path: "/";
  maxAge: number;
}

/**
 * Options for the widget frame's cookie. Always Secure, which SameSite=None and
 * Partitioned require: a browser refuses it over plain http other than localhost, and
 * the widget then keeps its visitor in the page (and says so).
 */
export function embedCookieOptions(): EmbedCookieOptions {
  return {
    httpOnly: true,
    sameSite: "none",
    secure: true,
    partitioned: true,
    path: "/",
    maxAge: MAX_AGE_SECONDS,
  };
}

// One imported key per secret: importKey is the costly part of signing.
let keyCache: { secret: string; key: Promise<CryptoKey> } | undefined;

function hmacKey(secret: string): Promise<CryptoKey> {
  if (secret.length < MIN_SECRET_LENGTH) {
    throw new TypeError(`The signing secret must be at least ${MIN_SECRET_LENGTH} characters`);
  }
  if (keyCache?.secret !== secret) {
    const key = crypto.subtle.importKey(
      "raw",
      new TextEncoder().encode(secret),
      { name: "HMAC", hash: "SHA-256" },
      false,
      ["sign"],
    );
    keyCache = { secret, key };
  }
  return keyCache.key;
}

async function sign(secret: string, payload: string): Promise<string> {
  const key = await hmacKey(secret);
  const mac = await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(payload));
  return toBase64Url(new Uint8Array(mac));
}

/** Compares two strings in time that depends on their length only. */
function constantTimeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

function toBase64Url(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/**
 * A request `Cookie` header carrying `token` as the visitor cookie, any earlier
 * visitor cookie removed and every other cookie kept byte for byte.
 */
export function withVisitorCookie(cookieHeader: string | null, token: string): string {
  const others = (cookieHeader ?? "")
    .split(";")
    .map((pair) => pair.trim())
    .filter((pair) => pair !== "" && pair.split("=", 1)[0]?.trim() !== VISITOR_COOKIE);
  return [...others, `${VISITOR_COOKIE}=${token}`].join("; ");
}
