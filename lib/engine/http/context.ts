import type { z } from "zod";
import type { Deadline } from "../core/deadline";
import { EngineError, errors } from "../core/errors";
import { checkJsonBounds, MAX_BODY_DEPTH } from "../core/json-bounds";
import type { EngineServices } from "../ports";
import type { EngineContext } from "../services/context";
import type { EngineState } from "../state";
import type { DB } from "../store/db";
import type { ApiKeyRow, KeyRole } from "../store/keys";

/** What every handler gets: the parsed request, the caller's key, and the engine. */
export interface Ctx {
  request: Request;
  url: URL;
  params: Record<string, string>;
  requestId: string;
  key: ApiKeyRow;
  deadline: Deadline;
  db: DB;
  services: EngineServices;
  state: EngineState;
}

/** What the services get from a request: the engine, and the caller's scope, deadline and signal. */
export function engineContext(ctx: Ctx): EngineContext {
  return {
    db: ctx.db,
    services: ctx.services,
    state: ctx.state,
    scope: ctx.key.corpusKeys,
    deadline: ctx.deadline,
    signal: ctx.request.signal,
    log: ctx.services.log,
  };
}

export type Handler = (ctx: Ctx) => Response | Promise<Response>;

export interface Route {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  /** Segments; `:name` captures one (percent-decoded). */
  pattern: string;
  role: KeyRole;
  handler: Handler;
}

const RANK: Record<KeyRole, number> = { serving: 1, serving_and_indexing: 2, personal: 3 };
export const roleAtLeast = (have: KeyRole, need: KeyRole) => RANK[have] >= RANK[need];

/** The time budget from `Request-Timeout(-Millis)`, for the request's `Deadline`. */
export function readTimeout(headers: Headers): number | undefined {
  const millis = headers.get("request-timeout-millis");
  const seconds = headers.get("request-timeout");
  if (millis !== null) return positiveInt(millis, "header.Request-Timeout-Millis");
  if (seconds !== null) return positiveInt(seconds, "header.Request-Timeout") * 1000;
  return undefined;
}

function positiveInt(value: string, field: string): number {
  if (!/^\d{1,10}$/.test(value.trim()) || Number(value) < 1) {
    throw errors.field(field, "must be a whole number of at least 1");
  }
  return Number(value);
}

/** Turns zod issues into Vectara's `field_errors`, prefixed with where the field lives. */
export function fieldErrors(prefix: "body" | "query", error: z.ZodError): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of error.issues) {
    const path = [prefix, ...issue.path.map(String)].join(".");
    if (issue.code === "unrecognized_keys") {
      for (const k of issue.keys) out[`${path}.${k}`] ??= "is not a recognized field";
    } else {
      out[path] ??= issue.message;
    }
  }
  return out;
}

const MAX_JSON_BYTES = 20 * 1024 * 1024;

/** Reads and validates a JSON body. */
export async function readJson<S extends z.ZodType>(ctx: Ctx, schema: S): Promise<z.output<S>> {
  const length = Number(ctx.request.headers.get("content-length") ?? "0");
  if (length > MAX_JSON_BYTES)
    throw errors.payloadTooLarge(`The request body is over ${MAX_JSON_BYTES} bytes`);
  const text = await ctx.request.text();
  if (text.length > MAX_JSON_BYTES)
    throw errors.payloadTooLarge(`The request body is over ${MAX_JSON_BYTES} bytes`);
  let json: unknown;
  try {
    json = text.trim() === "" ? {} : JSON.parse(text);
  } catch {
    throw errors.field("body", "is not valid JSON");
  }
  // The schema first, so a field with its own limit (metadata: 32 levels) is named;
  // schemas never recurse past their own shape, whatever the value's depth.
  const parsed = parseWith(schema, json, "body");
  assertJsonDepth(json, "body");
  return parsed;
}

/**
 * 400 on `field` when a caller's JSON nests deeper than any request needs: values
 * kept as given (tables, `generation`'s extra fields) are later serialized, and
 * `JSON.stringify` overflows the stack on a value a few thousand levels deep.
 */
export function assertJsonDepth(value: unknown, field: string): void {
  const problem = checkJsonBounds(value, { maxDepth: MAX_BODY_DEPTH });
  if (problem) throw errors.field(field, problem);
}

/** Validates query-string parameters; repeated keys become arrays. */
export function readQuery<S extends z.ZodType>(
  ctx: Ctx,
  schema: S,
  arrays: string[] = [],
): z.output<S> {
  const raw: Record<string, string | string[]> = {};
  for (const key of new Set(ctx.url.searchParams.keys())) {
    const values = ctx.url.searchParams.getAll(key);
    raw[key] = arrays.includes(key)
      ? values.flatMap((v) => v.split(",")).filter(Boolean)
      : (values.at(-1) ?? "");
  }
  return parseWith(schema, raw, "query");
}

export function parseWith<S extends z.ZodType>(
  schema: S,
  value: unknown,
  where: "body" | "query",
): z.output<S> {
  let parsed: z.ZodSafeParseResult<z.output<S>>;
  try {
    parsed = schema.safeParse(value) as z.ZodSafeParseResult<z.output<S>>;
  } catch (error) {
    // Belt and braces: a schema that recursed with the value's depth overflowed.
    if (error instanceof RangeError) throw errors.field(where, "is nested too deeply");
    throw error;
  }
  if (!parsed.success) {
    const fe = fieldErrors(where, parsed.error);
    throw new EngineError(
      "bad_request",
      Object.entries(fe)
        .map(([k, v]) => `${k}: ${v}`)
        .join("; "),
      {
        fieldErrors: fe,
      },
    );
  }
  return parsed.data;
}
