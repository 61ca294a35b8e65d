import { Deadline } from "../core/deadline";
import { EngineError, errors } from "../core/errors";
import type { EngineServices } from "../ports";
import { createEngineState, type EngineState } from "../state";
import { getGrantByAccessToken } from "../store/app-clients";
import type { DB } from "../store/db";
import { type ApiKeyRow, getApiKeyBySecret } from "../store/keys";
import { type Ctx, readTimeout, roleAtLeast } from "./context";
import { handleTokenRequest, TOKEN_PATHS, type TokenEndpointOptions } from "./oauth";
import { errorResponse, internalError, newRequestId } from "./respond";
import type { Router } from "./router";

/**
 * The engine's HTTP surface as a function: Request in, Response out. Every failure
 * becomes a Vectara-shaped error with a request id; an unexpected exception is
 * logged and answered with a 500 that leaks nothing. The OAuth token endpoints sit
 * outside the router: they take no API key and answer in RFC 6749's shapes.
 */
export function createHandler(
  router: Router,
  db: DB,
  services: EngineServices,
  oauth: TokenEndpointOptions = { tokenTtlSeconds: 3600 },
  state: EngineState = createEngineState(),
) {
  return async function handle(request: Request): Promise<Response> {
    const requestId = newRequestId();
    try {
      const url = new URL(request.url);
      const tokenFormat = TOKEN_PATHS.get(url.pathname);
      if (tokenFormat) {
        const response = await handleTokenRequest(request, db, tokenFormat, oauth);
        response.headers.set("x-request-id", requestId);
        return response;
      }
      const { route, params } = router.match(request.method, url.pathname);
      const key = authenticate(db, request.headers);
      if (!roleAtLeast(key.role, route.role)) {
        throw errors.forbidden(
          `This API key's role (${key.role}) cannot ${request.method} ${url.pathname}; it needs ${route.role}`,
        );
      }
      const deadline = new Deadline(readTimeout(request.headers));
      const ctx: Ctx = { request, url, params, requestId, key, deadline, db, services, state };
      const response = await route.handler(ctx);
      response.headers.set("x-request-id", requestId);
      return response;
    } catch (error) {
      if (error instanceof EngineError) return errorResponse(error, requestId);
      // Another worker held the write lock past the busy timeout: a retry will do.
      if (String((error as { code?: unknown })?.code).startsWith("SQLITE_BUSY")) {
        return errorResponse(
          errors.unavailable("The engine's database is busy with other writes; try again"),
          requestId,
        );
      }
      services.log(
        `engine: unexpected error in ${request.method} ${request.url} [${requestId}]: ${String((error as Error)?.stack ?? error)}`,
      );
      return internalError(requestId);
    }
  };
}

/**
 * `x-api-key`, or `Authorization: Bearer <secret>` carrying an API key (as some
 * Vectara tutorials send it) or an OAuth access token. A token acts as a key with
 * its app client's role and corpus scope.
 */
function authenticate(db: DB, headers: Headers): ApiKeyRow {
  const bearer = headers
    .get("authorization")
    ?.match(/^Bearer\s+(.+)$/i)?.[1]
    ?.trim();
  const apiKey = headers.get("x-api-key")?.trim();
  const secret = apiKey || bearer;
  if (!secret) {
    throw errors.unauthorized(
      "No credentials: send an API key in x-api-key, or Authorization: Bearer <key or access token>",
    );
  }
  const key = getApiKeyBySecret(db, secret);
  if (key?.enabled) return key;
  if (!apiKey && !key) {
    const found = getGrantByAccessToken(db, secret);
    if (found.status === "ok") {
      const { grant } = found;
      return {
        id: grant.appClientId,
        name: grant.name,
        role: grant.role,
        corpusKeys: grant.corpusKeys,
        enabled: true,
        createdAt: grant.createdAt,
      };
    }
    if (found.status === "expired") {
      throw bearerError("The access token has expired: request a new one");
    }
    throw bearerError("The API key or access token is not valid");
  }
  throw errors.unauthorized("The API key is not valid");
}

/** RFC 6750 §3: a refused bearer token names the scheme and the error. */
const bearerError = (message: string) =>
  new EngineError("unauthorized", message, {
    headers: { "www-authenticate": 'Bearer error="invalid_token"' },
  });
