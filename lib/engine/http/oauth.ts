import { z } from "zod";
import { issueAccessToken, verifyClientCredentials } from "../store/app-clients";
import type { DB } from "../store/db";

/**
 * The OAuth 2.0 token endpoint, client-credentials grant only (RFC 6749 §4.4).
 * Vectara documents two forms and a compatible engine takes both:
 *
 * - `POST /oauth2/token`, form-encoded (the OpenAPI `tokenUrl`, the TypeScript SDK);
 * - `POST /oauth/token`, JSON (the Python SDK).
 *
 * Each path reads its own format and also the other, going by `content-type`.
 * Credentials come as `client_id`/`client_secret` fields or as HTTP Basic
 * (§2.3.1), never both. Errors use the RFC's `{error, error_description}` body
 * (§5.2), not Vectara's, because OAuth clients parse that shape.
 */
export const TOKEN_PATHS: ReadonlyMap<string, "form" | "json"> = new Map([
  ["/oauth2/token", "form"],
  ["/oauth/token", "json"],
]);

export interface TokenEndpointOptions {
  /** Lifetime of an issued access token. */
  tokenTtlSeconds: number;
}

/** Token requests are a handful of short fields; anything larger is refused unread. */
const MAX_BODY_BYTES = 8 * 1024;

const field = z.string().max(1024);
const tokenRequestSchema = z.looseObject({
  grant_type: field.optional(),
  client_id: field.optional(),
  client_secret: field.optional(),
  scope: field.optional(),
});

type OAuthErrorCode = "invalid_request" | "invalid_client" | "unsupported_grant_type";

class OAuthError extends Error {
  constructor(
    readonly code: OAuthErrorCode,
    message: string,
    readonly basic = false,
  ) {
    super(message);
  }
}

const NO_STORE = { "cache-control": "no-store", pragma: "no-cache" };

function oauthJson(status: number, body: unknown, headers: Record<string, string> = {}) {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", ...NO_STORE, ...headers },
  });
}

export async function handleTokenRequest(
  request: Request,
  db: DB,
  format: "form" | "json",
  options: TokenEndpointOptions,
): Promise<Response> {
  if (request.method !== "POST") {
    return oauthJson(
      405,
      { error: "invalid_request", error_description: "The token endpoint only accepts POST" },
      { allow: "POST" },
    );
  }
  try {
    const body = await readTokenRequest(request, format);
    if (!body.grant_type) throw new OAuthError("invalid_request", "grant_type is required");
    if (body.grant_type !== "client_credentials") {
      throw new OAuthError(
        "unsupported_grant_type",
        "Only the client_credentials grant is supported",
      );
    }
    const credentials = readClientCredentials(request.headers, body);
    const client = credentials.candidates
      .map(([id, secret]) => verifyClientCredentials(db, id, secret))
      .find(Boolean);
    if (!client?.enabled) {
      throw new OAuthError("invalid_client", "Client authentication failed", credentials.basic);
    }
    const { token } = issueAccessToken(db, client, options.tokenTtlSeconds);
    return oauthJson(200, {
      access_token: token,
      token_type: "Bearer",
      expires_in: options.tokenTtlSeconds,
    });
  } catch (error) {
    if (!(error instanceof OAuthError)) throw error;
    const status = error.code === "invalid_client" ? 401 : 400;
    return oauthJson(
      status,
      { error: error.code, error_description: error.message },
      error.basic ? { "www-authenticate": 'Basic realm="parley"' } : {},
    );
  }
}

async function readTokenRequest(
  request: Request,
  format: "form" | "json",
): Promise<z.infer<typeof tokenRequestSchema>> {
  const type = request.headers.get("content-type")?.toLowerCase() ?? "";
  const asJson = type.includes("json") || (type === "" && format === "json");
  const asForm = type.startsWith("application/x-www-form-urlencoded") || (type === "" && !asJson);
  if (!asJson && !asForm) {
    throw new OAuthError(
      "invalid_request",
      "Send the token request as application/x-www-form-urlencoded or application/json",
    );
  }
  const text = await readCapped(request);
  let raw: unknown;
  if (asJson) {
    try {
      raw = JSON.parse(text);
    } catch {
      throw new OAuthError("invalid_request", "The request body is not valid JSON");
    }
  } else {
    const params = new URLSearchParams(text);
    const seen: Record<string, string> = {};
    for (const [k, v] of params) {
      // §3.2: "Request and response parameters MUST NOT be included more than once."
      if (k in seen) throw new OAuthError("invalid_request", `${k} is repeated`);
      seen[k] = v;
    }
    raw = seen;
  }
  const parsed = tokenRequestSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? `${issue.path.join(".")}: ` : "body: ";
    throw new OAuthError("invalid_request", `${where}${issue?.message ?? "is not valid"}`);
  }
  return parsed.data;
}

async function readCapped(request: Request): Promise<string> {
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > MAX_BODY_BYTES) {
    throw new OAuthError("invalid_request", `The request body is over ${MAX_BODY_BYTES} bytes`);
  }
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_BODY_BYTES) {
      await reader.cancel().catch(() => undefined);
      throw new OAuthError("invalid_request", `The request body is over ${MAX_BODY_BYTES} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function readClientCredentials(
  headers: Headers,
  body: z.infer<typeof tokenRequestSchema>,
): { candidates: Array<[id: string, secret: string]>; basic: boolean } {
  const authorization = headers.get("authorization");
  const basic = authorization?.match(/^Basic\s+(\S+)\s*$/i)?.[1];
  if (authorization && !basic) {
    throw new OAuthError("invalid_client", "Use HTTP Basic or client_id/client_secret", true);
  }
  if (basic) {
    if (body.client_id !== undefined || body.client_secret !== undefined) {
      // §2.3: a client MUST NOT use more than one authentication method per request.
      throw new OAuthError(
        "invalid_request",
        "Send the client credentials either in the Authorization header or in the body, not both",
      );
    }
    const decoded = Buffer.from(basic, "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    if (colon < 0) throw new OAuthError("invalid_client", "Malformed Basic credentials", true);
    const [id, secret] = [decoded.slice(0, colon), decoded.slice(colon + 1)];
    const candidates: Array<[string, string]> = [[formDecode(id), formDecode(secret)]];
    // Many clients skip the form-encoding; their raw value is the second guess.
    if (formDecode(id) !== id || formDecode(secret) !== secret) candidates.push([id, secret]);
    return { candidates, basic: true };
  }
  if (!body.client_id || !body.client_secret) {
    throw new OAuthError("invalid_client", "client_id and client_secret are required");
  }
  return { candidates: [[body.client_id, body.client_secret]], basic: false };
}

/** §2.3.1: Basic credentials are form-encoded before base64; a `%` that does not decode stays. */
function formDecode(value: string): string {
  try {
    return decodeURIComponent(value.replace(/\+/g, " "));
  } catch {
    return value;
  }
}
