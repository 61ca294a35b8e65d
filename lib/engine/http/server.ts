import { EngineError, errors } from "../core/errors";
import type { DB } from "../store/db";
import { type ApiKeyRow, getApiKeyBySecret } from "../store/keys";
import { type Ctx, Deadline, type EngineServices, readTimeout, roleAtLeast } from "./context";
import { errorResponse, internalError, newRequestId } from "./respond";
import type { Router } from "./router";

/**
 * The engine's HTTP surface as a function: Request in, Response out. Every failure
 * becomes a Vectara-shaped error with a request id; an unexpected exception is
 * logged and answered with a 500 that leaks nothing.
 */
export function createHandler(router: Router, db: DB, services: EngineServices) {
  return async function handle(request: Request): Promise<Response> {
    const requestId = newRequestId();
    try {
      const url = new URL(request.url);
      const { route, params } = router.match(request.method, url.pathname);
      const key = authenticate(db, request.headers);
      if (!roleAtLeast(key.role, route.role)) {
        throw errors.forbidden(
          `This API key's role (${key.role}) cannot ${request.method} ${url.pathname}; it needs ${route.role}`,
        );
      }
      const deadline = new Deadline(readTimeout(request.headers));
      const ctx: Ctx = { request, url, params, requestId, key, deadline, db, services };
      const response = await route.handler(ctx);
      response.headers.set("x-request-id", requestId);
      return response;
    } catch (error) {
      if (error instanceof EngineError) return errorResponse(error, requestId);
      services.log(
        `engine: unexpected error in ${request.method} ${request.url} [${requestId}]: ${String((error as Error)?.stack ?? error)}`,
      );
      return internalError(requestId);
    }
  };
}

/** `x-api-key`, or `Authorization: Bearer <key>` as some Vectara tutorials send it. */
function authenticate(db: DB, headers: Headers): ApiKeyRow {
  const bearer = headers.get("authorization")?.match(/^Bearer\s+(.+)$/i)?.[1];
  const secret = headers.get("x-api-key") ?? bearer;
  if (!secret) throw errors.unauthorized("No API key: send it in the x-api-key header");
  const key = getApiKeyBySecret(db, secret.trim());
  if (!key?.enabled) throw errors.unauthorized("The API key is not valid");
  return key;
}
