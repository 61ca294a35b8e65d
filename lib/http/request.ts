import "server-only";
import type { z } from "zod";
import { getConfig } from "@/lib/config";
import { AppError, type AppErrorCode, type Audience } from "./errors";

type Read<T> = { ok: true; data: T } | { ok: false; error: AppError };

/** The code of a malformed request, for whoever sent it. */
const badRequestCode = (audience: Audience): AppErrorCode =>
  audience === "visitor" ? "bad_request:chat" : "bad_request:staff";

/**
 * zod's issues as Vectara's `field_errors`: one reason per field, keyed by where the field
 * was (`body.query`, `query.limit`, or a form field's bare name), the first issue winning.
 */
export function fieldErrorsOf(
  error: z.ZodError,
  prefix?: "body" | "query",
): Record<string, string> {
  const fieldErrors: Record<string, string> = {};
  for (const issue of error.issues) {
    const key = [...(prefix ? [prefix] : []), ...issue.path.map(String)].join(".");
    fieldErrors[key || "form"] ??= issue.message;
  }
  return fieldErrors;
}

/** A 400 naming each bad field; its message names the first. */
export function invalidRequest(
  error: z.ZodError,
  { prefix, audience }: { prefix: "body" | "query"; audience: Audience },
): AppError {
  const fieldErrors = fieldErrorsOf(error, prefix);
  const first = Object.entries(fieldErrors)[0];
  return new AppError(
    badRequestCode(audience),
    first ? `Invalid request: ${first[0]}: ${first[1]}` : "Invalid request.",
    { fieldErrors },
  );
}

/**
 * Reads a JSON body of at most `maxBytes` and parses it with `schema`. Every way it
 * can be wrong (too big, not JSON, wrong shape) is a 400 in Vectara's error shape,
 * with `field_errors` keyed `body.<path>`.
 */
export async function readJsonBody<T>(
  request: Request,
  schema: z.ZodType<T>,
  { maxBytes = 64 * 1024, audience = "visitor" }: { maxBytes?: number; audience?: Audience } = {},
): Promise<Read<T>> {
  const fail = (message: string) => ({
    ok: false as const,
    error: new AppError(badRequestCode(audience), message),
  });
  const length = Number(request.headers.get("content-length") ?? 0);
  if (length > maxBytes) return fail(`The request body is larger than ${maxBytes} bytes.`);
  let text: string;
  try {
    text = await request.text();
  } catch {
    return fail("The request body could not be read.");
  }
  if (new TextEncoder().encode(text).byteLength > maxBytes) {
    return fail(`The request body is larger than ${maxBytes} bytes.`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return fail("The request body is not valid JSON.");
  }
  const parsed = schema.safeParse(json);
  if (parsed.success) return { ok: true, data: parsed.data };
  return { ok: false, error: invalidRequest(parsed.error, { prefix: "body", audience }) };
}

/** Parses a request's query string with `schema` (one value per key), like `readJsonBody`. */
export function readQuery<T>(request: Request, schema: z.ZodType<T>, audience: Audience): Read<T> {
  const parsed = schema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (parsed.success) return { ok: true, data: parsed.data };
  return { ok: false, error: invalidRequest(parsed.error, { prefix: "query", audience }) };
}

/**
 * Refuses a cross-site request that changes something. The visitor cookie is
 * SameSite=Lax, which already keeps it off cross-site POSTs; this also stops a
 * cross-site request that carries no cookie from spending someone's rate limit or
 * probing ids. Browsers always send `Origin` on POST and DELETE; tools need not.
 */
export function checkSameOrigin(request: Request): AppError | undefined {
  const origin = request.headers.get("origin");
  if (!origin) return undefined;
  // X-Forwarded-Host is the browser's host only when a trusted proxy wrote it.
  const forwarded =
    getConfig().trustedProxyHops > 0 ? request.headers.get("x-forwarded-host") : null;
  const host = forwarded?.split(",")[0]?.trim() || request.headers.get("host");
  let originHost: string;
  try {
    originHost = new URL(origin).host;
  } catch {
    originHost = "";
  }
  if (host && originHost === host) return undefined;
  return new AppError("forbidden:chat", "Cross-site requests are not allowed.");
}
