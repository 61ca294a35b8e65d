/**
 * The `fetch` of the visitor's requests (the chat stream, history, feedback, Stop, the
 * request for a person). On Parley's own pages and in a widget frame whose browser keeps
 * its cookie, it is the plain `fetch`: the visitor cookie says who asks.
 *
 * In a widget frame where the browser keeps no cookie (third-party storage refused), the
 * frame holds its visitor token in memory instead (`useVisitorInMemory` in
 * components/embed/) and every request carries it in `x-parley-visitor`, which the proxy
 * reads like the cookie. Requests wait until the frame has found out which it is.
 */

/** The header proxy.ts reads (`VISITOR_HEADER` in lib/auth/visitor-token.ts). */
const VISITOR_HEADER = "x-parley-visitor";

let ready: Promise<string | null> = Promise.resolve(null);

/** Sets what every later visitor request waits for: the token to send, or null for the cookie. */
export function setVisitorToken(token: Promise<string | null>): void {
  ready = token.catch(() => null);
}

export const visitorFetch: typeof fetch = async (input, init) => {
  const token = await ready;
  if (!token) return fetch(input, init);
  const headers = new Headers(init?.headers);
  headers.set(VISITOR_HEADER, token);
  return fetch(input, { ...init, headers });
};
