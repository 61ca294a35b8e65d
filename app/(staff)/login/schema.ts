import { z } from "zod";

/**
 * The sign-in form. Only lengths are checked here: the password policy applies
 * when a password is set, not when one is typed, and a wrong email format is
 * just another failed sign-in.
 */
export const loginSchema = z.object({
  email: z.string().trim().min(1, { message: "Enter your email." }).max(320),
  password: z.string().min(1, { message: "Enter your password." }).max(256),
  next: z.string().max(2000).optional(),
});

export type Login = z.infer<typeof loginSchema>;

export type LoginState = {
  error?: { message: string; retryAfter?: number };
  email?: string;
};

export const DEFAULT_NEXT = "/agent";

/**
 * Where to go after signing in: only a same-site path under /agent or /admin,
 * so a crafted link cannot send a freshly signed-in user to another site
 * (`//evil.example`, `/\evil.example`, `https://…`) or anywhere unexpected.
 */
export function safeNextPath(next: unknown): string {
  if (typeof next !== "string" || next.length > 2000) return DEFAULT_NEXT;
  const allowed = /^\/(agent|admin)(?=$|[/?#])/;
  if (!allowed.test(next)) return DEFAULT_NEXT;
  // Browsers read a backslash as a slash, and strip tabs and newlines from URLs.
  if (/[\\\s]/.test(next) || [...next].some((c) => c.charCodeAt(0) < 0x20)) return DEFAULT_NEXT;
  try {
    const url = new URL(next, "http://parley.invalid");
    const path = `${url.pathname}${url.search}${url.hash}`;
    // Checked again once dot segments are resolved: "/agent/../x" is "/x".
    return url.origin === "http://parley.invalid" && allowed.test(path) ? path : DEFAULT_NEXT;
  } catch {
    return DEFAULT_NEXT;
  }
}
