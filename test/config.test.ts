import { describe, expect, it } from "vitest";
import { DEFAULT_SCORE_THRESHOLDS } from "@/lib/chat/score-levels";
import { ConfigError, loadConfig } from "@/lib/config";

describe("loadConfig", () => {
  it("reads WIDGET_ALLOWED_ORIGINS as origins in the browser's form, and refuses anything else", () => {
    expect(loadConfig({}).widgetAllowedOrigins).toEqual([]);
    expect(
      loadConfig({
        WIDGET_ALLOWED_ORIGINS:
          " https://WWW.Example.com:443/, http://localhost:3250 https://www.example.com ",
      }).widgetAllowedOrigins,
    ).toEqual(["https://www.example.com", "http://localhost:3250"]);
    for (const bad of [
      "*",
      "https://*.example.com",
      "https://example.com/help",
      "example.com",
      "ftp://example.com",
      "https://user@example.com",
      "https://example.com?x=1",
      "javascript:alert(1)",
    ]) {
      expect(() => loadConfig({ WIDGET_ALLOWED_ORIGINS: bad }), bad).toThrow(
        /WIDGET_ALLOWED_ORIGINS/,
      );
    }
  });

  it("chooses local mode with defaults when no Vectara credentials are set", () => {
    const config = loadConfig({});
    expect(config.mode).toBe("local");
    expect(config.vectara).toMatchObject({
      corpusKey: "support_kb",
      baseUrl: "https://api.vectara.io",
    });
    expect(config.vectara.auth).toBeUndefined();
    expect(config.dataDir).toBe("./data");
  });

  it("treats empty strings as unset", () => {
    expect(loadConfig({ VECTARA_API_KEY: "", VECTARA_CORPUS_KEY: " " }).mode).toBe("local");
  });

  it("chooses remote mode with an API key", () => {
    const config = loadConfig({
      VECTARA_API_KEY: "zqt_abc",
      VECTARA_CUSTOMER_ID: "123",
      VECTARA_BASE_URL: "http://127.0.0.1:4000/",
      VECTARA_CORPUS_KEY: "docs",
    });
    expect(config.mode).toBe("remote");
    expect(config.vectara).toEqual({
      baseUrl: "http://127.0.0.1:4000",
      corpusKey: "docs",
      customerId: "123",
      auth: { kind: "api_key", apiKey: "zqt_abc" },
      timeoutMs: 60_000,
    });
  });

  it("chooses remote mode with OAuth client credentials, preferring them to a key", () => {
    const config = loadConfig({
      VECTARA_API_KEY: "zqt_abc",
      VECTARA_CLIENT_ID: "app",
      VECTARA_CLIENT_SECRET: "secret",
      VECTARA_AUTH_URL: "https://auth.example.com",
    });
    expect(config.vectara.auth).toEqual({
      kind: "oauth",
      clientId: "app",
      clientSecret: "secret",
      tokenUrl: "https://auth.example.com/oauth2/token",
    });
    const explicit = loadConfig({
      VECTARA_CLIENT_ID: "app",
      VECTARA_CLIENT_SECRET: "secret",
      VECTARA_AUTH_URL: "http://127.0.0.1:9/oauth/token",
    });
    expect(explicit.vectara.auth).toMatchObject({ tokenUrl: "http://127.0.0.1:9/oauth/token" });
  });

  it("names every bad variable in one readable message, without echoing secrets", () => {
    let error: unknown;
    try {
      loadConfig({
        VECTARA_BASE_URL: "not a url",
        VECTARA_CLIENT_ID: "app",
        VECTARA_CORPUS_KEY: "bad key!",
        LLM_BASE_URL: "http://127.0.0.1:11434/v1",
        AUTH_SECRET: "short-secret-value",
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const e = error as ConfigError;
    expect(e.problems.map((p) => p.variable).sort()).toEqual([
      "AUTH_SECRET",
      "LLM_MODEL",
      "VECTARA_BASE_URL",
      "VECTARA_CLIENT_SECRET",
      "VECTARA_CORPUS_KEY",
    ]);
    expect(e.message).toContain("Parley cannot start");
    expect(e.message).toContain('VECTARA_BASE_URL must be an http(s) URL (got "not a url")');
    expect(e.message).not.toContain("short-secret-value");
    expect(e.message.split("\n").length).toBe(e.problems.length + 2);
  });

  it("reads the engine's worker count and request budget, and refuses bad ones", () => {
    expect(loadConfig({})).toMatchObject({ engineRequestTimeoutMs: 10_000 });
    expect(loadConfig({}).engineWorkers).toBeUndefined();
    expect(loadConfig({ ENGINE_WORKERS: "0", ENGINE_REQUEST_TIMEOUT_MS: "2500" })).toMatchObject({
      engineWorkers: 0,
      engineRequestTimeoutMs: 2500,
    });
    expect(() => loadConfig({ ENGINE_WORKERS: "-1" })).toThrow(/ENGINE_WORKERS must be at least 0/);
    expect(() => loadConfig({ ENGINE_WORKERS: "two" })).toThrow(
      /ENGINE_WORKERS must be a whole number/,
    );
    expect(() => loadConfig({ ENGINE_REQUEST_TIMEOUT_MS: "50" })).toThrow(
      /ENGINE_REQUEST_TIMEOUT_MS must be at least 100/,
    );
  });

  it("reads the trusted proxy hops and the per-address chat limit, and refuses bad ones", () => {
    expect(loadConfig({})).toMatchObject({ trustedProxyHops: 0, chatRateLimitPerIpPerMinute: 60 });
    expect(
      loadConfig({ TRUSTED_PROXY_HOPS: "2", CHAT_RATE_LIMIT_PER_IP_PER_MINUTE: "300" }),
    ).toMatchObject({ trustedProxyHops: 2, chatRateLimitPerIpPerMinute: 300 });
    expect(() => loadConfig({ TRUSTED_PROXY_HOPS: "-1" })).toThrow(/TRUSTED_PROXY_HOPS/);
    expect(() => loadConfig({ TRUSTED_PROXY_HOPS: "11" })).toThrow(/TRUSTED_PROXY_HOPS/);
    expect(() => loadConfig({ CHAT_RATE_LIMIT_PER_IP_PER_MINUTE: "0" })).toThrow(
      /CHAT_RATE_LIMIT_PER_IP_PER_MINUTE/,
    );
  });

  it("reads the score thresholds, defaulting to the badge's, and refuses bad ones", () => {
    expect(loadConfig({}).scoreThresholds).toEqual(DEFAULT_SCORE_THRESHOLDS);
    expect(
      loadConfig({ FCS_LOW_THRESHOLD: "0.25", FCS_HIGH_THRESHOLD: "0.9" }).scoreThresholds,
    ).toEqual({ low: 0.25, high: 0.9 });
    expect(() => loadConfig({ FCS_LOW_THRESHOLD: "high" })).toThrow(
      /FCS_LOW_THRESHOLD must be a number from 0 to 1 \(got "high"\)/,
    );
    expect(() => loadConfig({ FCS_HIGH_THRESHOLD: "70" })).toThrow(
      /FCS_HIGH_THRESHOLD must be at most 1/,
    );
    expect(() => loadConfig({ FCS_LOW_THRESHOLD: "-0.1" })).toThrow(/FCS_LOW_THRESHOLD/);
    // Low must stay below high, or nothing would be medium and the flag would contradict the badge.
    expect(() => loadConfig({ FCS_LOW_THRESHOLD: "0.8" })).toThrow(
      /FCS_LOW_THRESHOLD must be below FCS_HIGH_THRESHOLD \(0.7\)/,
    );
    expect(() => loadConfig({ FCS_LOW_THRESHOLD: "0.5", FCS_HIGH_THRESHOLD: "0.5" })).toThrow(
      ConfigError,
    );
  });
});
