import "server-only";
import type { z } from "zod";
import { getConfig } from "@/lib/config";
import { AppError } from "./errors";

/**
 * Reads a JSON body of at most `maxBytes` and parses it with `schema`. Every way it
 * can be wrong (too big, not JSON, wrong shape) is a 400 in Vectara's error shape,
 * with `field_errors` keyed `body.<path>`.
 */
export async function readJsonBody<T>(
  request: Request,
  schema: z.ZodType<T>,
  maxBytes = 64 * 1024,
): Promise<{ ok: true; data: T } | { ok: false; error: AppError }> {
  const fail = (message: string, fieldErrors?: Record<string, string>) => ({
    ok: false as const,
    error: new AppError("bad_request:chat", message, { fieldErrors }),
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
  const fieldErrors: Record<string, string> = {};
  for (const issue of parsed.error.issues) {
    const key = ["body", ...issue.path.map(String)].join(".");
    fieldErrors[key] ??= issue.message;
  }
  const first = Object.entries(fieldErrors)[0];
  return fail(
    first ? `Invalid request: ${first[0]}: ${first[1]}` : "Invalid request.",
    fieldErrors,
  );
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
