import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "@/lib/config";

/** The environment that seeds the local engine's OAuth app client and token lifetime. */
describe("LOCAL_APP_CLIENT_* and LOCAL_OAUTH_TOKEN_TTL_SECONDS", () => {
  it("passes both app client variables and the TTL through, defaulting the TTL to an hour", () => {
    const config = loadConfig({
      LOCAL_APP_CLIENT_ID: "parley-e2e",
      LOCAL_APP_CLIENT_SECRET: "a-secret-of-24-characters",
    });
    expect(config.localAppClient).toEqual({
      clientId: "parley-e2e",
      clientSecret: "a-secret-of-24-characters",
    });
    expect(config.localOauthTokenTtlSeconds).toBe(3600);
    expect(loadConfig({ LOCAL_OAUTH_TOKEN_TTL_SECONDS: "5" }).localOauthTokenTtlSeconds).toBe(5);
    expect(
      loadConfig({ LOCAL_APP_CLIENT_ID: "", LOCAL_APP_CLIENT_SECRET: "" }).localAppClient,
    ).toBe(undefined);
  });

  it("refuses one variable without the other, a short secret and a TTL out of range, never echoing the secret", () => {
    const problems = (env: Record<string, string>) => {
      try {
        loadConfig(env);
      } catch (error) {
        if (error instanceof ConfigError) return error.message;
        throw error;
      }
      return "";
    };
    expect(problems({ LOCAL_APP_CLIENT_ID: "parley-e2e" })).toMatch(
      /LOCAL_APP_CLIENT_SECRET is required when LOCAL_APP_CLIENT_ID is set/,
    );
    expect(problems({ LOCAL_APP_CLIENT_SECRET: "a-secret-of-24-characters" })).toMatch(
      /LOCAL_APP_CLIENT_ID is required/,
    );
    const short = problems({ LOCAL_APP_CLIENT_ID: "x", LOCAL_APP_CLIENT_SECRET: "tiny-secret" });
    expect(short).toMatch(/LOCAL_APP_CLIENT_SECRET must be at least 16 characters/);
    expect(short).not.toContain("tiny-secret");
    expect(
      problems({ LOCAL_APP_CLIENT_ID: "has space", LOCAL_APP_CLIENT_SECRET: "a".repeat(20) }),
    ).toMatch(/LOCAL_APP_CLIENT_ID may only contain/);
    expect(problems({ LOCAL_OAUTH_TOKEN_TTL_SECONDS: "0" })).toMatch(/at least 1/);
    expect(problems({ LOCAL_OAUTH_TOKEN_TTL_SECONDS: "86401" })).toMatch(/at most 86400/);
  });
});
