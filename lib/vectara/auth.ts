import { z } from "zod";
import { ConnectionError, makeAPIError, ProtocolError, VectaraError } from "./errors";

export type FetchLike = (request: Request) => Promise<Response>;

/** Supplies the credential headers of each request. */
export interface AuthProvider {
  headers(signal?: AbortSignal): Promise<Record<string, string>>;
  /** Drops a cached credential the server refused, so the next call fetches a new one. */
  invalidate?(): void;
}

export function apiKeyAuth(apiKey: string): AuthProvider {
  const headers = { "x-api-key": apiKey };
  return { headers: async () => headers };
}

const tokenResponseSchema = z.looseObject({
  access_token: z.string().min(1),
  token_type: z.string().nullish(),
  expires_in: z.number().positive(),
});

export interface OAuthOptions {
  clientId: string;
  clientSecret: string;
  /** The token endpoint, e.g. `https://auth.vectara.io/oauth2/token`. */
  tokenUrl: string;
  fetch?: FetchLike;
  /** Injected clock, for tests. */
  now?: () => number;
}

/**
 * OAuth 2.0 client credentials. The token is cached and refreshed shortly before it
 * expires (2 minutes, or a fifth of its lifetime for short-lived tokens), and
 * concurrent callers share one refresh.
 */
export class OAuthClientCredentials implements AuthProvider {
  private token: { value: string; refreshAt: number } | undefined;
  private inflight: Promise<string> | undefined;
  private readonly fetch: FetchLike;
  private readonly now: () => number;

  constructor(private readonly options: OAuthOptions) {
    this.fetch = options.fetch ?? ((r) => globalThis.fetch(r));
    this.now = options.now ?? Date.now;
  }

  async headers(signal?: AbortSignal): Promise<Record<string, string>> {
    return { authorization: `Bearer ${await this.getToken(signal)}` };
  }

  invalidate(): void {
    this.token = undefined;
  }

  async getToken(signal?: AbortSignal): Promise<string> {
    if (this.token && this.now() < this.token.refreshAt) return this.token.value;
    this.inflight ??= this.requestToken(signal).finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  private async requestToken(signal?: AbortSignal): Promise<string> {
    const body = new URLSearchParams({
      grant_type: "client_credentials",
      client_id: this.options.clientId,
      client_secret: this.options.clientSecret,
    });
    let response: Response;
    try {
      response = await this.fetch(
        new Request(this.options.tokenUrl, {
          method: "POST",
          headers: {
            "content-type": "application/x-www-form-urlencoded",
            accept: "application/json",
          },
          body,
          signal,
        }),
      );
    } catch (error) {
      if (error instanceof VectaraError) throw error;
      throw new ConnectionError(`token request to ${this.options.tokenUrl} failed`, {
        cause: error,
      });
    }
    const text = await response.text();
    const json = safeJson(text);
    if (!response.ok) {
      throw makeAPIError(response.status, json, response.headers, `OAuth token request failed`);
    }
    const parsed = tokenResponseSchema.safeParse(json);
    if (!parsed.success) {
      throw new ProtocolError("invalid_shape", "The OAuth token response is not valid JSON", {
        cause: parsed.error,
      });
    }
    const lifetimeMs = parsed.data.expires_in * 1000;
    const margin = Math.min(120_000, lifetimeMs / 5);
    this.token = { value: parsed.data.access_token, refreshAt: this.now() + lifetimeMs - margin };
    return parsed.data.access_token;
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
