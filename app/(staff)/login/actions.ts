"use server";

import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { signIn } from "@/lib/auth/staff";
import { requestClientAddress } from "@/lib/http/client-address";
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
    // The socket's peer, or what TRUSTED_PROXY_HOPS trusted proxies say: never a
    // client's own X-Forwarded-For, which would let it pick a fresh address per guess.
    address: requestClientAddress(await headers()),
  });
  if (!result.ok) {
    return {
      email,
      error: { message: result.error.message, retryAfter: result.error.retryAfter },
    };
  }
  redirect(safeNextPath(parsed.data.next));
}
