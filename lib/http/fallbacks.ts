/**
 * What an API path answers when nothing there serves the request, in Vectara's error
 * shape (`messages` + `request_id`) like every other API error. Left to Next.js, a method
 * a route handler does not export is an empty 405, and a path no route handler serves is
 * the HTML not-found page, neither of which an API client can read.
 */

export const ROUTE_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;
export type RouteMethod = (typeof ROUTE_METHODS)[number];

type Fallback = (request: Request) => Response;

const errorBody = (message: string) => ({
  messages: [message],
  request_id: crypto.randomUUID(),
});

/** 405 with `Allow` for a route that serves `allowed` (HEAD comes with GET, OPTIONS always). */
export function methodNotAllowed(method: string, allowed: readonly RouteMethod[]): Response {
  const allow = [...allowed, ...(allowed.includes("GET") ? ["HEAD"] : []), "OPTIONS"];
  const shown = /^[A-Z]{1,16}$/.test(method) ? method : "This method";
  return Response.json(errorBody(`${shown} is not allowed here; use ${allowed.join(" or ")}.`), {
    status: 405,
    headers: { allow: allow.join(", "), "cache-control": "no-store" },
  });
}

/**
 * Handlers for every method a route does not serve, to export beside the ones it does:
 *
 *   export const { GET, PUT, PATCH, DELETE } = otherMethods(["POST"]);
 */
export function otherMethods<const A extends readonly RouteMethod[]>(
  allowed: A,
): Record<Exclude<RouteMethod, A[number]>, Fallback> {
  const handlers: Partial<Record<RouteMethod, Fallback>> = {};
  for (const method of ROUTE_METHODS) {
    if (!allowed.includes(method)) {
      handlers[method] = (request) => methodNotAllowed(request.method, allowed);
    }
  }
  return handlers as Record<Exclude<RouteMethod, A[number]>, Fallback>;
}

/** 404 for an API path that no route serves, whatever the method. */
export function noSuchRoute(request: Request): Response {
  const { pathname } = new URL(request.url);
  const shown = pathname.length > 200 ? `${pathname.slice(0, 200)}…` : pathname;
  return Response.json(errorBody(`There is no API at ${shown}.`), {
    status: 404,
    headers: { "cache-control": "no-store" },
  });
}
