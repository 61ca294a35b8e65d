import "server-only";
import { unstable_rethrow } from "next/navigation";
import type { Audience } from "./errors";
import { toAppError } from "./upstream-errors";

/**
 * A route handler whose failures are caught in one place, as the engine's
 * `http/server.ts` does: the handler is a straight line of guard clauses that return
 * early, and anything it throws (an AppError from the domain, a Vectara error, an
 * app-DB outage) is answered in Vectara's error shape, said to `audience`, instead of
 * Next's bare 500. Next's own control flow (`notFound()`, `redirect()`) passes through.
 *
 *   export const GET = route("agent", async (request) => { … });
 */
export function route<Args extends [context?: unknown]>(
  audience: Audience,
  handler: (request: Request, ...args: Args) => Promise<Response>,
): (request: Request, ...args: Args) => Promise<Response> {
  return async (request, ...args) => {
    try {
      return await handler(request, ...args);
    } catch (error) {
      unstable_rethrow(error);
      const said = toAppError(error, { audience });
      if (said.code === "internal:chat") console.error("Parley: a request failed:", error);
      return said.toResponse();
    }
  };
}
