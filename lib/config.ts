import { z } from "zod";

/**
 * The environment, read through one schema. Remote mode is chosen when Vectara
 * credentials are present; local mode (the embedded engine) otherwise.
 *
 * Empty strings count as unset, because `.env` files and CI systems commonly
 * export `FOO=` for "no value".
 */

/** `.env` files and CI systems export `FOO=` for "no value". */
const blankAsUnset = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);

const optionalString = z.preprocess(blankAsUnset, z.string().trim().optional());

const optionalUrl = z.preprocess(
  blankAsUnset,
  z
    .string()
    .trim()
    .refine((v) => isHttpUrl(v), { message: "must be an http(s) URL" })
    .optional(),
);

/** A whole number from `min` to `max`; `what` names it in messages ("a whole number of milliseconds"). */
const wholeNumber = (min: number, max: number, what = "a whole number") =>
  z.coerce
    .number({ message: `must be ${what}` })
    .int({ message: `must be ${what}` })
    .min(min, { message: `must be at least ${min}` })
    .max(max, { message: `must be at most ${max}` });

/** A score from 0 to 1 (a factual-consistency threshold). */
const fraction = z.coerce
  .number({ message: "must be a number from 0 to 1" })
  .refine(Number.isFinite, { message: "must be a number from 0 to 1" })
  .min(0, { message: "must be at least 0" })
  .max(1, { message: "must be at most 1" });

const corpusKey = z
  .string()
  .max(50, { message: "must be at most 50 characters" })
  .regex(/^[a-zA-Z0-9_=-]+$/, { message: "may only contain letters, digits, _, = and -" });

/**
 * WIDGET_ALLOWED_ORIGINS: the sites that may frame `/embed` (the widget), separated by
 * commas or spaces. Each must be an origin and nothing more (`https://www.example.com`,
 * with a port if it has one): no path, no wildcard, no `*`, http(s) only. Kept in the
 * browser's form (`new URL(v).origin`: lower case, default port dropped), which is what
 * `frame-ancestors` and `MessageEvent.origin` compare against.
 */
const originList = z
  .string()
  .transform((v) => v.split(/[\s,]+/).filter((o) => o !== ""))
  .pipe(
    z
      .array(
        z.string().transform((value, ctx) => {
          const origin = originOf(value);
          if (!origin) {
            ctx.addIssue({
              code: "custom",
              message: `"${value.slice(0, 100)}" is not an origin (https://host[:port], with no path)`,
            });
            return z.NEVER;
          }
          return origin;
        }),
      )
      .max(50, { message: "may list at most 50 origins" }),
  )
  .transform((list) => [...new Set(list)]);

/** `value`'s origin when it is exactly an http(s) origin (a trailing slash allowed), else undefined. */
function originOf(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  const exact =
    (url.protocol === "http:" || url.protocol === "https:") &&
    !url.username &&
    !url.password &&
    url.pathname === "/" &&
    !/[?#]/.test(value) &&
    !url.hostname.includes("*") &&
    // Nothing after the authority but one optional slash.
    /^https?:\/\/[^/]+\/?$/i.test(value);
  return exact ? url.origin : undefined;
}

/** Pino's levels, quietest last (LOG_LEVEL). */
export const LOG_LEVELS = ["trace", "debug", "info", "warn", "error", "fatal", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const envSchema = z
  .object({
    VECTARA_API_KEY: optionalString,
    VECTARA_CUSTOMER_ID: optionalString,
    VECTARA_BASE_URL: optionalUrl,
    VECTARA_CLIENT_ID: optionalString,
    VECTARA_CLIENT_SECRET: optionalString,
    VECTARA_AUTH_URL: optionalUrl,
    VECTARA_CORPUS_KEY: z.preprocess(blankAsUnset, corpusKey.default("support_kb")),
    DATA_DIR: z.preprocess(blankAsUnset, z.string().default("./data")),
    LOCAL_API_KEY: z.preprocess(
      blankAsUnset,
      z.string().min(16, { message: "must be at least 16 characters" }).optional(),
    ),
    LOCAL_APP_CLIENT_ID: z.preprocess(
      blankAsUnset,
      z
        .string()
        .trim()
        .max(200, { message: "must be at most 200 characters" })
        .regex(/^[A-Za-z0-9._~-]+$/, { message: "may only contain letters, digits, ., _, ~ and -" })
        .optional(),
    ),
    LOCAL_APP_CLIENT_SECRET: z.preprocess(
      blankAsUnset,
      z
        .string()
        .min(16, { message: "must be at least 16 characters" })
        .max(1000, { message: "must be at most 1000 characters" })
        .optional(),
    ),
    LOCAL_OAUTH_TOKEN_TTL_SECONDS: z.preprocess(blankAsUnset, wholeNumber(1, 86_400).default(3600)),
    LLM_BASE_URL: optionalUrl,
    LLM_MODEL: optionalString,
    LLM_API_KEY: optionalString,
    EMBEDDING_BASE_URL: optionalUrl,
    EMBEDDING_MODEL: optionalString,
    DATABASE_URL: z.preprocess(
      blankAsUnset,
      z
        .string()
        .refine((v) => /^(postgres|postgresql):\/\//.test(v) || /^(file:|sqlite:)?[^:]+$/.test(v), {
          message: "must be a postgres:// URL or a SQLite file path",
        })
        .optional(),
    ),
    AUTH_SECRET: z.preprocess(
      blankAsUnset,
      z.string().min(32, { message: "must be at least 32 characters" }).optional(),
    ),
    CHAT_RATE_LIMIT_PER_MINUTE: z.preprocess(blankAsUnset, wholeNumber(1, 100_000).default(20)),
    CHAT_RATE_LIMIT_PER_IP_PER_MINUTE: z.preprocess(
      blankAsUnset,
      wholeNumber(1, 1_000_000).default(60),
    ),
    TRUSTED_PROXY_HOPS: z.preprocess(blankAsUnset, wholeNumber(0, 10).default(0)),
    ANSWER_WORDS_PER_SECOND: z.preprocess(blankAsUnset, wholeNumber(0, 10_000).default(40)),
    FCS_LOW_THRESHOLD: z.preprocess(
      blankAsUnset,
      // The defaults are DEFAULT_SCORE_THRESHOLDS (lib/chat/score-levels.ts; this module
      // imports nothing of the app); test/config.test.ts keeps the two the same.
      fraction.default(0.4),
    ),
    FCS_HIGH_THRESHOLD: z.preprocess(blankAsUnset, fraction.default(0.7)),
    DEMO_PASSWORD: z.preprocess(
      blankAsUnset,
      z.string().min(8, { message: "must be at least 8 characters" }).optional(),
    ),
    ENGINE_WORKERS: z.preprocess(blankAsUnset, wholeNumber(0, 32).optional()),
    ENGINE_REQUEST_TIMEOUT_MS: z.preprocess(
      blankAsUnset,
      wholeNumber(100, 600_000, "a whole number of milliseconds").default(10_000),
    ),
    SHUTDOWN_GRACE_MS: z.preprocess(
      blankAsUnset,
      wholeNumber(0, 600_000, "a whole number of milliseconds").default(10_000),
    ),
    VECTARA_TIMEOUT_MS: z.preprocess(
      blankAsUnset,
      wholeNumber(100, 600_000, "a whole number of milliseconds").default(60_000),
    ),
    LOG_LEVEL: z.preprocess(
      (v) => (typeof v === "string" ? blankAsUnset(v.trim().toLowerCase()) : v),
      z.enum(LOG_LEVELS, { message: `must be one of ${LOG_LEVELS.join(", ")}` }).default("info"),
    ),
    METRICS_TOKEN: z.preprocess(
      blankAsUnset,
      z.string().trim().min(16, { message: "must be at least 16 characters" }).optional(),
    ),
    WIDGET_ALLOWED_ORIGINS: z.preprocess(blankAsUnset, originList.default([])),
    ARTICLE_LINKS: z.preprocess(
      (v) => (typeof v === "string" ? blankAsUnset(v.trim().toLowerCase()) : v),
      z
        .enum(["auto", "reader", "source"], { message: "must be auto, reader or source" })
        .default("auto"),
    ),
  })
  .superRefine((env, ctx) => {
    if (env.FCS_LOW_THRESHOLD >= env.FCS_HIGH_THRESHOLD) {
      ctx.addIssue({
        code: "custom",
        path: ["FCS_LOW_THRESHOLD"],
        message: `must be below FCS_HIGH_THRESHOLD (${env.FCS_HIGH_THRESHOLD})`,
      });
    }
    const oauthVars = ["VECTARA_CLIENT_ID", "VECTARA_CLIENT_SECRET"] as const;
    const present = oauthVars.filter((k) => env[k] !== undefined);
    if (present.length === 1) {
      const missing = oauthVars.find((k) => env[k] === undefined);
      ctx.addIssue({
        code: "custom",
        path: [missing ?? "VECTARA_CLIENT_SECRET"],
        message: `is required when ${present[0]} is set (OAuth needs both)`,
      });
    }
    const appClientVars = ["LOCAL_APP_CLIENT_ID", "LOCAL_APP_CLIENT_SECRET"] as const;
    const appClientSet = appClientVars.filter((k) => env[k] !== undefined);
    if (appClientSet.length === 1) {
      const missing = appClientVars.find((k) => env[k] === undefined);
      ctx.addIssue({
        code: "custom",
        path: [missing ?? "LOCAL_APP_CLIENT_SECRET"],
        message: `is required when ${appClientSet[0]} is set (the app client needs both)`,
      });
    }
    if (env.LLM_BASE_URL && !env.LLM_MODEL) {
      ctx.addIssue({
        code: "custom",
        path: ["LLM_MODEL"],
        message: "is required with LLM_BASE_URL",
      });
    }
    if (env.LLM_MODEL && !env.LLM_BASE_URL) {
      ctx.addIssue({
        code: "custom",
        path: ["LLM_BASE_URL"],
        message: "is required with LLM_MODEL",
      });
    }
    if (env.EMBEDDING_BASE_URL && !env.EMBEDDING_MODEL) {
      ctx.addIssue({
        code: "custom",
        path: ["EMBEDDING_MODEL"],
        message: "is required with EMBEDDING_BASE_URL",
      });
    }
    if (env.EMBEDDING_MODEL && !env.EMBEDDING_BASE_URL) {
      ctx.addIssue({
        code: "custom",
        path: ["EMBEDDING_BASE_URL"],
        message: "is required with EMBEDDING_MODEL",
      });
    }
  });

export type Mode = "local" | "remote";

export type VectaraAuthConfig =
  | { kind: "api_key"; apiKey: string }
  | { kind: "oauth"; clientId: string; clientSecret: string; tokenUrl: string };

export interface Config {
  mode: Mode;
  vectara: {
    baseUrl: string;
    corpusKey: string;
    customerId?: string;
    /** Absent in local mode, where the client talks to the embedded engine in-process. */
    auth?: VectaraAuthConfig;
    /**
     * Client-side timeout per attempt, in ms (VECTARA_TIMEOUT_MS, default 60 s). For a
     * streamed answer it bounds the wait for the first byte and each gap between events.
     */
    timeoutMs: number;
  };
  dataDir: string;
  localApiKey?: string;
  /** An OAuth app client the local engine seeds (`LOCAL_APP_CLIENT_ID`/`_SECRET`). */
  localAppClient?: { clientId: string; clientSecret: string };
  /** Lifetime of the local engine's OAuth access tokens. */
  localOauthTokenTtlSeconds: number;
  llm?: { baseUrl: string; model: string; apiKey?: string };
  embedding?: { baseUrl: string; model: string };
  /**
   * The local engine's worker threads (ENGINE_WORKERS): unset means one per core (1–4),
   * 0 runs the engine on the server's own thread (debugging only: one heavy request then
   * stalls every visitor).
   */
  engineWorkers?: number;
  /** The local engine's budget for a request without `Request-Timeout` (ms). */
  engineRequestTimeoutMs: number;
  /**
   * On SIGTERM or SIGINT, how long requests in flight (streaming answers) may take to
   * finish before their connections are cut (SHUTDOWN_GRACE_MS, ms; `lib/http/shutdown.ts`).
   */
  shutdownGraceMs: number;
  databaseUrl?: string;
  authSecret?: string;
  demoPassword?: string;
  /** Questions one visitor may ask per minute. */
  chatRateLimitPerMinute: number;
  /** Questions one client address may ask per minute, whatever cookies it sends. */
  chatRateLimitPerIpPerMinute: number;
  /**
   * How many reverse proxies in front of Parley append to X-Forwarded-For
   * (TRUSTED_PROXY_HOPS). 0: the client is the socket's peer and X-Forwarded-* are ignored.
   */
  trustedProxyHops: number;
  /**
   * The fastest an answer's words reach the visitor (ANSWER_WORDS_PER_SECOND; 0: as fast
   * as they come). The extractive generator writes a whole answer in milliseconds; paced,
   * it is seen arriving and Stop can cut it. A model slower than this is never held back.
   */
  answerWordsPerSecond: number;
  /**
   * Where the factual-consistency score turns low and high (FCS_LOW_THRESHOLD, default 0.4:
   * below it is low; FCS_HIGH_THRESHOLD, default 0.7: from it up is high). One setting for
   * the badge, the visitor's caution, the triage flag and the insights.
   */
  scoreThresholds: { low: number; high: number };
  /**
   * Where a source's article link goes (ARTICLE_LINKS): `auto` (default) opens the
   * in-app reader when the document has no URL that can be reached (none, or one on a
   * reserved example domain such as the demo KB's help.beacon.example) and the URL
   * otherwise; `reader` always opens the reader; `source` follows any URL there is.
   */
  articleLinks: ArticleLinks;
  /**
   * The origins that may frame the widget's `/embed` (WIDGET_ALLOWED_ORIGINS), in the
   * browser's form. Empty (the default): no site may, and `/embed` keeps
   * `frame-ancestors 'none'` like every other page.
   */
  widgetAllowedOrigins: string[];
  /** The server log's threshold (LOG_LEVEL, default `info`). */
  logLevel: LogLevel;
  /**
   * The bearer token that reads `/api/metrics` (METRICS_TOKEN). Unset: the metrics
   * route answers 404 to everyone.
   */
  metricsToken?: string;
}

export type ArticleLinks = "auto" | "reader" | "source";

export const DEFAULT_VECTARA_BASE_URL = "https://api.vectara.io";
export const DEFAULT_VECTARA_TOKEN_URL = "https://auth.vectara.io/oauth2/token";

/** Variables whose values must never be echoed back in an error message. */
const SECRET_VARS = new Set([
  "VECTARA_API_KEY",
  "VECTARA_CLIENT_SECRET",
  "LOCAL_API_KEY",
  "LOCAL_APP_CLIENT_SECRET",
  "LLM_API_KEY",
  "AUTH_SECRET",
  "DEMO_PASSWORD",
  "DATABASE_URL",
  "METRICS_TOKEN",
]);

export class ConfigError extends Error {
  readonly problems: ReadonlyArray<{ variable: string; message: string }>;

  constructor(problems: Array<{ variable: string; message: string }>) {
    super(
      [
        "Parley cannot start: the configuration is invalid.",
        ...problems.map((p) => `  - ${p.variable} ${p.message}`),
        "Fix these environment variables (see the Configuration table in README.md) and start again.",
      ].join("\n"),
    );
    this.name = "ConfigError";
    this.problems = problems;
  }
}

type Env = Record<string, string | undefined>;

export function loadConfig(env: Env = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const variable = String(issue.path[0] ?? "environment");
      const raw = env[variable];
      const shown =
        raw !== undefined && raw !== "" && !SECRET_VARS.has(variable)
          ? ` (got ${JSON.stringify(raw)})`
          : "";
      return { variable, message: `${issue.message}${shown}` };
    });
    throw new ConfigError(problems);
  }
  const e = parsed.data;

  let auth: VectaraAuthConfig | undefined;
  if (e.VECTARA_CLIENT_ID && e.VECTARA_CLIENT_SECRET) {
    auth = {
      kind: "oauth",
      clientId: e.VECTARA_CLIENT_ID,
      clientSecret: e.VECTARA_CLIENT_SECRET,
      tokenUrl: toTokenUrl(e.VECTARA_AUTH_URL ?? DEFAULT_VECTARA_TOKEN_URL),
    };
  } else if (e.VECTARA_API_KEY) {
    auth = { kind: "api_key", apiKey: e.VECTARA_API_KEY };
  }

  return {
    mode: auth ? "remote" : "local",
    vectara: {
      baseUrl: (e.VECTARA_BASE_URL ?? DEFAULT_VECTARA_BASE_URL).replace(/\/+$/, ""),
      corpusKey: e.VECTARA_CORPUS_KEY,
      customerId: e.VECTARA_CUSTOMER_ID,
      auth,
      timeoutMs: e.VECTARA_TIMEOUT_MS,
    },
    dataDir: e.DATA_DIR,
    localApiKey: e.LOCAL_API_KEY,
    localAppClient:
      e.LOCAL_APP_CLIENT_ID && e.LOCAL_APP_CLIENT_SECRET
        ? { clientId: e.LOCAL_APP_CLIENT_ID, clientSecret: e.LOCAL_APP_CLIENT_SECRET }
        : undefined,
    localOauthTokenTtlSeconds: e.LOCAL_OAUTH_TOKEN_TTL_SECONDS,
    llm:
      e.LLM_BASE_URL && e.LLM_MODEL
        ? { baseUrl: e.LLM_BASE_URL, model: e.LLM_MODEL, apiKey: e.LLM_API_KEY }
        : undefined,
    embedding:
      e.EMBEDDING_BASE_URL && e.EMBEDDING_MODEL
        ? { baseUrl: e.EMBEDDING_BASE_URL, model: e.EMBEDDING_MODEL }
        : undefined,
    engineWorkers: e.ENGINE_WORKERS,
    engineRequestTimeoutMs: e.ENGINE_REQUEST_TIMEOUT_MS,
    shutdownGraceMs: e.SHUTDOWN_GRACE_MS,
    databaseUrl: e.DATABASE_URL,
    authSecret: e.AUTH_SECRET,
    demoPassword: e.DEMO_PASSWORD,
    chatRateLimitPerMinute: e.CHAT_RATE_LIMIT_PER_MINUTE,
    chatRateLimitPerIpPerMinute: e.CHAT_RATE_LIMIT_PER_IP_PER_MINUTE,
    trustedProxyHops: e.TRUSTED_PROXY_HOPS,
    answerWordsPerSecond: e.ANSWER_WORDS_PER_SECOND,
    scoreThresholds: { low: e.FCS_LOW_THRESHOLD, high: e.FCS_HIGH_THRESHOLD },
    articleLinks: e.ARTICLE_LINKS,
    widgetAllowedOrigins: e.WIDGET_ALLOWED_ORIGINS,
    logLevel: e.LOG_LEVEL,
    metricsToken: e.METRICS_TOKEN,
  };
}

let cached: Config | undefined;

/** The process's configuration, parsed once. Throws ConfigError when invalid. */
export function getConfig(): Config {
  cached ??= loadConfig();
  return cached;
}

/**
 * VECTARA_AUTH_URL may name the auth host (`https://auth.vectara.io`) or the token
 * endpoint itself; a bare host gets Vectara's form-encoded `/oauth2/token` path.
 */
function toTokenUrl(authUrl: string): string {
  const url = new URL(authUrl);
  if (url.pathname === "/" || url.pathname === "") url.pathname = "/oauth2/token";
  return url.toString();
}

function isHttpUrl(v: string): boolean {
  try {
    const u = new URL(v);
    return u.protocol === "http:" || u.protocol === "https:";
  } catch {
    return false;
  }
}
