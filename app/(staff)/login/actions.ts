"use server";

import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { signIn } from "@/lib/auth/staff";
import { type LoginState, loginSchema, safeNextPath } from "./schema";

/** The sign-in form's action, shaped for useActionState. Redirects on success. */
export async function signInAction(_prev: LoginState, formData: FormData): Promise<LoginState> {
  const parsed = loginSchema.safeParse({
    email: formData.get("email") ?? "",
    password: formData.get("password") ?? "",
    next: formData.get("next") ?? undefined,
  });
  const email = typeof formData.get("email") === "string" ? String(formData.get("email")) : "";
  if (!parsed.success) {
    return { email, error: { message: parsed.error.issues[0]?.message ?? "Check the form." } };
  }
  const result = await signIn({
    email: parsed.data.email,
    password: parsed.data.password,
    ip: clientIp(await headers()),
  });
  if (!result.ok) {
    return {
      email,
      error: { message: result.error.message, retryAfter: result.error.retryAfter },
    };
  }
  redirect(safeNextPath(parsed.data.next));
}

/**
 * The client's address as the nearest proxy saw it. X-Forwarded-For can be
 * forged by a client talking to Parley directly, so it only ever narrows the
 * per-IP throttle; the per-email throttle does not depend on it.
 */
function clientIp(h: Headers): string | null {
  const forwarded = h.get("x-forwarded-for")?.split(",")[0]?.trim();
  return forwarded || h.get("x-real-ip")?.trim() || null;
}
