import "server-only";
import { unstable_rethrow } from "next/navigation";
import type { z } from "zod";
import { errorFields, getLogger } from "@/lib/observability/log";
import type { AppError, Audience } from "./errors";
import { toAppError } from "./upstream-errors";

/** What Next passes a route handler beside the request: the path's dynamic segments. */
export interface RouteContext {
  params: Promise<unknown>;
}

/**
 * A route handler whose failures are caught in one place, as the engine's
 * `http/server.ts` does: the handler is a straight line of guard clauses that return
 * early, and anything it throws (an AppError from the domain, a Vectara error, an
 * app-DB outage) is answered in Vectara's error shape, said to `audience`, instead of
 * Next's bare 500. Next's own control flow (`notFound()`, `redirect()`) passes through.
 *
 *   export const GET = route("agent", async (request) => { … });
 */
export function route(
  audience: Audience,
  handler: (request: Request, context?: RouteContext) => Promise<Response>,
): (request: Request, context?: RouteContext) => Promise<Response> {
  return async (request, context) => {
    try {
      return await handler(request, context);
    } catch (error) {
      unstable_rethrow(error);
      const said = toAppError(error, { audience });
      if (said.code === "internal:chat") getLogger().error(errorFields(error), "a request failed");
      return said.toResponse();
    }
  };
}

/**
 * The path's dynamic segments, parsed with `schema`; a segment that is not what the
 * route serves (`/api/chats/not-an-id`) is the `invalid` error, usually a 404, as a path
 * nothing serves would be.
 */
export async function readParams<P>(
  context: RouteContext | undefined,
  schema: z.ZodType<P>,
  invalid: () => AppError,
): Promise<{ ok: true; data: P } | { ok: false; error: AppError }> {
  const parsed = schema.safeParse(await context?.params);
  return parsed.success ? { ok: true, data: parsed.data } : { ok: false, error: invalid() };
}
