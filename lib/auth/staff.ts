import "server-only";
import { createHash, randomBytes } from "node:crypto";
import { cookies, headers } from "next/headers";
import { forbidden, redirect } from "next/navigation";
import { cache } from "react";
import type { z } from "zod";
import {
  createStaffSession,
  createUser,
  DuplicateUserError,
  deleteExpiredStaffSessions,
  deleteStaffSessionBySessionHash,
  getAppDb,
  getStaffSessionBySessionHash,
  getUserCredentialsByEmail,
  type LoginDelayPolicy,
  normalizeEmail,
  rotateStaffSessionBySessionHash,
  settleLoginSuccess,
  setUserPasswordByUserId,
  startLoginAttempt,
  touchStaffSessionBySessionHash,
  USER_ROLES,
} from "@/lib/db";
import { addressLimitKey, requestClientAddress, requestIsHttps } from "@/lib/http/client-address";
import { AppError } from "@/lib/http/errors";
import { checkSameOrigin } from "@/lib/http/request";
import { readParams, route } from "@/lib/http/route";
import { annotateRequest } from "@/lib/observability/context";
import { getMetrics } from "@/lib/observability/metrics";
import { hashPassword, verifyDummyPassword, verifyPassword } from "./password";
import { hasRole, type Role, type StaffUser } from "./roles";

/**
 * Staff sign-in, sessions and role guards. The browser holds `parley_staff`, a
 * random 32-byte token; the database keeps only its SHA-256, so a leaked
 * database holds no live session. A session ends 12 hours after sign-in, or
 * after 2 hours without a request. Its token is replaced every 15 minutes where
 * a response can carry a cookie (route handlers, server actions), which bounds
 * how long a copied cookie stays useful.
 */

export { hasRole, type Role, type StaffUser } from "./roles";
export const ROLES: readonly Role[] = USER_ROLES;

export const STAFF_COOKIE = "parley_staff";
export const SESSION_MAX_AGE_MS = 12 * 60 * 60 * 1000;
export const SESSION_IDLE_MS = 2 * 60 * 60 * 1000;
export const SESSION_ROTATE_MS = 15 * 60 * 1000;
// Last-seen is written at most once a minute: every page view need not be a write.
const TOUCH_EVERY_MS = 60 * 1000;

/**
 * Sign-in throttling: growing delays, never a lock. Failures are counted per account
 * and client address pair, and per client address (an IPv6 address by its /64); never
 * per account alone, so a stranger who knows a staff email cannot keep its owner out.
 *
 * - Pair: 5 failures are free; after the 5th the pair's next attempt waits 1 s, after
 *   the 6th 2 s, then 4 s, 8 s… up to 15 minutes (reached at the 15th failure).
 * - Address: 20 failures are free, across any accounts; then 1 s, 2 s, 4 s… up to 15
 *   minutes (reached at the 30th).
 *
 * A blocked attempt is refused before the password is checked and is not counted. A
 * correct password clears its pair; it never clears the address. A key forgets its
 * failures 24 hours after the last one (LOGIN_FAILURE_MEMORY_MS).
 */
export const LOGIN_THROTTLE = {
  perAccountAddress: { freeFailures: 5, baseDelayMs: 1000, maxDelayMs: 15 * 60 * 1000 },
  perAddress: { freeFailures: 20, baseDelayMs: 1000, maxDelayMs: 15 * 60 * 1000 },
} as const satisfies Record<string, LoginDelayPolicy>;

const TOKEN = /^[A-Za-z0-9_-]{43}$/;
const INCORRECT = "Email or password is incorrect.";

function createSessionToken(): string {
  return randomBytes(32).toString("base64url");
}

function hashSessionToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

type CookieStore = Awaited<ReturnType<typeof cookies>>;

async function setSessionCookie(
  store: CookieStore,
  token: string,
  expiresAt: number,
  now: number,
): Promise<void> {
  store.set(STAFF_COOKIE, token, {
    httpOnly: true,
    sameSite: "lax",
    // Secure when the browser reached us over https, directly or through a trusted proxy.
    secure: requestIsHttps(await headers()),
    path: "/",
    maxAge: Math.max(1, Math.floor((expiresAt - now) / 1000)),
  });
}

/**
 * Whether this request can set cookies. Server components get a read-only store
 * whose `set` throws; re-setting the cookie to the value it already has is the
 * probe, and is harmless where it succeeds.
 */
async function canSetCookies(
  store: CookieStore,
  token: string,
  expiresAt: number,
  now: number,
): Promise<boolean> {
  try {
    await setSessionCookie(store, token, expiresAt, now);
    return true;
  } catch {
    return false;
  }
}

/**
 * The signed-in staff user, or null. Memoised per request in server components,
 * so a layout and its page share one lookup.
 */
export const getStaffUser = cache(async function getStaffUser(): Promise<StaffUser | null> {
  const store = await cookies();
  const token = store.get(STAFF_COOKIE)?.value;
  if (!token || !TOKEN.test(token)) return null;
  const db = await getAppDb();
  const sessionHash = hashSessionToken(token);
  const session = await getStaffSessionBySessionHash({ db, sessionHash });
  if (!session) return null;
  const now = Date.now();
  if (
    now >= session.expiresAt ||
    now - session.lastSeenAt >= SESSION_IDLE_MS ||
    session.user.disabled
  ) {
    await deleteStaffSessionBySessionHash({ db, sessionHash });
    return null;
  }
  const user: StaffUser = {
    userId: session.user.userId,
    email: session.user.email,
    role: session.user.role,
  };
  annotateRequest({ staffId: user.userId });

  if (
    now - session.createdAt >= SESSION_ROTATE_MS &&
    (await canSetCookies(store, token, session.expiresAt, now))
  ) {
    const next = createSessionToken();
    const rotated = await rotateStaffSessionBySessionHash({
      db,
      oldHash: sessionHash,
      newHash: hashSessionToken(next),
      now,
      expiresAt: session.expiresAt,
    });
    // A concurrent request that rotated first has sent the browser its own new
    // token; this one keeps the cookie as it was and still answers as signed in.
    if (rotated) await setSessionCookie(store, next, session.expiresAt, now);
    return user;
  }
  if (now - session.lastSeenAt >= TOUCH_EVERY_MS) {
    await touchStaffSessionBySessionHash({ db, sessionHash, now });
  }
  return user;
});

/** The path a page request was for, as proxy.ts recorded it. */
async function currentPath(): Promise<string> {
  const path = (await headers()).get("x-parley-path");
  return path?.startsWith("/") && !path.startsWith("//") ? path : "/agent";
}

/**
 * For pages and layouts: a signed-out visitor goes to the sign-in page (and
 * comes back afterwards); a signed-in user without the role gets a 403.
 */
export async function requireStaffPage(min: Role): Promise<StaffUser> {
  const user = await getStaffUser();
  if (!user) redirect(`/login?next=${encodeURIComponent(await currentPath())}`);
  if (!hasRole(user, min)) forbidden();
  return user;
}

/**
 * For route handlers: a cross-site write is refused before anything else, then
 * signed out is a 401 and too low a role a 403, as JSON in the one error shape.
 */
export async function requireStaffRoute(
  request: Request,
  min: Role,
): Promise<{ ok: true; user: StaffUser } | { ok: false; response: Response }> {
  if (request.method !== "GET" && request.method !== "HEAD") {
    const crossSite = checkSameOrigin(request);
    if (crossSite) {
      return {
        ok: false,
        response: new AppError("forbidden:staff", crossSite.message).toResponse(),
      };
    }
  }
  const user = await getStaffUser();
  if (!user) return { ok: false, response: signedOutError().toResponse() };
  if (!hasRole(user, min)) return { ok: false, response: tooLowError(min).toResponse() };
  return { ok: true, user };
}

/**
 * A staff route handler as a straight line: `route()`'s central catch (in the agent's
 * words, or the admin's for admin routes), then `requireStaffRoute`, then the path's
 * segments parsed with `params` (a malformed one is a 404 saying `notFound`). The
 * handler gets the signed-in user and the parsed segments.
 */
export function staffRoute<P = undefined>(
  spec: {
    role: Role;
    params?: z.ZodType<P>;
    /** A malformed segment is a 404 saying this, or `invalid()` where it is something else. */
    notFound?: string;
    invalid?: () => AppError;
  },
  handler: (request: Request, ctx: { user: StaffUser; params: P }) => Promise<Response>,
) {
  return route(spec.role === "admin" ? "admin" : "agent", async (request, context) => {
    const auth = await requireStaffRoute(request, spec.role);
    if (!auth.ok) return auth.response;
    const invalid =
      spec.invalid ?? (() => new AppError("not_found:staff", spec.notFound ?? "Not found."));
    const params = spec.params
      ? await readParams(context, spec.params, invalid)
      : { ok: true as const, data: undefined as P };
    if (!params.ok) return params.error.toResponse();
    return handler(request, { user: auth.user, params: params.data });
  });
}

/** For server actions (whose Origin Next already checks against Host): throws an AppError. */
export async function requireStaffAction(min: Role): Promise<StaffUser> {
  const user = await getStaffUser();
  if (!user) throw signedOutError();
  if (!hasRole(user, min)) throw tooLowError(min);
  return user;
}

function signedOutError(): AppError {
  return new AppError("unauthorized:staff", "Sign in to continue.");
}

function tooLowError(min: Role): AppError {
  return new AppError("forbidden:staff", `This needs the ${min} role or higher.`);
}

export type SignInResult = { ok: true; user: StaffUser } | { ok: false; error: AppError };

/**
 * Checks the credentials and, when they match an enabled user, starts a session
 * and sets its cookie. Failed attempts are throttled per account and client address
 * and per client address (LOGIN_THROTTLE); while either is throttled, attempts are
 * refused without checking the password. `address` is the client's address
 * (`requestClientAddress`), read from the request when not given.
 */
export async function signIn({
  email,
  password,
  address,
  now = Date.now(),
}: {
  email: string;
  password: string;
  address?: string;
  now?: number;
}): Promise<SignInResult> {
  const db = await getAppDb();
  const account = normalizeEmail(email);
  const from = addressLimitKey(address ?? requestClientAddress(await headers()));
  // The email is hashed: people type passwords into the email field too.
  const pairKey = `login:pair:${createHash("sha256").update(account).digest("hex")}:${from}`;
  const attempt = await startLoginAttempt({
    db,
    now,
    keys: [
      { key: pairKey, policy: LOGIN_THROTTLE.perAccountAddress },
      { key: `login:address:${from}`, policy: LOGIN_THROTTLE.perAddress },
    ],
  });
  if (!attempt.allowed) {
    getMetrics().signInFailures.inc({ reason: "throttled" });
    return { ok: false, error: throttled(attempt.retryAfterMs) };
  }

  // The attempt already counts as a failure; a correct password takes that back.
  const found = await getUserCredentialsByEmail({ db, email: account });
  const matches = found
    ? await verifyPassword({ passwordHash: found.passwordHash, password })
    : await verifyDummyPassword(password);
  if (!found || !matches) {
    getMetrics().signInFailures.inc({ reason: "incorrect" });
    return { ok: false, error: new AppError("unauthorized:staff", INCORRECT) };
  }
  await settleLoginSuccess({ db, claims: attempt.claims, reset: [pairKey] });
  // Only someone who knows the password learns that the account is disabled.
  if (found.user.disabled) {
    getMetrics().signInFailures.inc({ reason: "disabled" });
    return {
      ok: false,
      error: new AppError(
        "forbidden:staff",
        "This account is disabled. Ask an admin to enable it again.",
      ),
    };
  }

  await deleteExpiredStaffSessions({ db, now, idleMs: SESSION_IDLE_MS });
  const token = createSessionToken();
  const expiresAt = now + SESSION_MAX_AGE_MS;
  await createStaffSession({
    db,
    sessionHash: hashSessionToken(token),
    userId: found.user.userId,
    now,
    expiresAt,
  });
  await setSessionCookie(await cookies(), token, expiresAt, now);
  const { userId, role } = found.user;
  return { ok: true, user: { userId, email: found.user.email, role } };
}

function throttled(waitMs: number): AppError {
  const seconds = Math.ceil(waitMs / 1000);
  const minutes = Math.ceil(seconds / 60);
  const wait =
    seconds < 60
      ? `${seconds} second${seconds === 1 ? "" : "s"}`
      : `${minutes} minute${minutes === 1 ? "" : "s"}`;
  return new AppError(
    "rate_limit:login",
    `Too many failed sign-in attempts. Try again in ${wait}.`,
    { retryAfter: seconds },
  );
}

/** Ends the current session, if any, and removes its cookie. */
export async function signOut(): Promise<void> {
  const store = await cookies();
  const token = store.get(STAFF_COOKIE)?.value;
  if (token && TOKEN.test(token)) {
    const db = await getAppDb();
    await deleteStaffSessionBySessionHash({ db, sessionHash: hashSessionToken(token) });
  }
  store.delete(STAFF_COOKIE);
}

export const DEMO_STAFF: ReadonlyArray<{ email: string; role: Role }> = [
  { email: "agent@demo.local", role: "agent" },
  { email: "moderator@demo.local", role: "moderator" },
  { email: "admin@demo.local", role: "admin" },
];

/**
 * Creates the three demo accounts, or gives existing ones `password` again, so a
 * changed DEMO_PASSWORD takes effect on restart. An unchanged password is left
 * alone: resetting it would sign the demo users out on every restart. The
 * password policy is not applied: DEMO_PASSWORD is the operator's choice.
 */
export async function seedDemoStaff({ password }: { password: string }): Promise<void> {
  const db = await getAppDb();
  for (const { email, role } of DEMO_STAFF) {
    const now = Date.now();
    const found = await getUserCredentialsByEmail({ db, email });
    if (!found) {
      try {
        await createUser({ db, email, passwordHash: await hashPassword(password), role, now });
      } catch (error) {
        // Another instance starting at the same time created it first.
        if (!(error instanceof DuplicateUserError)) throw error;
      }
    } else if (!(await verifyPassword({ passwordHash: found.passwordHash, password }))) {
      await setUserPasswordByUserId({
        db,
        userId: found.user.userId,
        passwordHash: await hashPassword(password),
        now,
      });
    }
  }
}
