import { createHash, randomBytes } from "node:crypto";
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Role } from "@/lib/auth/staff";
import type { VectaraClient } from "@/lib/vectara";
import { makeEngine } from "../support/engine";
import { tempDir } from "../support/files";
import { captureLog, type LogLine } from "../support/log";

/**
 * The staff server actions, called directly as a fuzzer would: signed out, with too
 * low a role, and with malformed arguments. Each answers a typed result, throws
 * nothing, and writes exactly one log line without a stack. `next/headers` is an
 * in-memory cookie jar, as in test/auth/staff.test.ts; the app database is real.
 */
const request = vi.hoisted(() => ({
  jar: new Map<string, { value: string }>(),
  client: undefined as VectaraClient | undefined,
}));

vi.mock("server-only", () => ({}));
vi.mock("next/headers", () => ({
  cookies: async () => ({
    get: (name: string) => {
      const c = request.jar.get(name);
      return c ? { name, value: c.value } : undefined;
    },
    set: (name: string, value: string) => {
      request.jar.set(name, { value });
    },
    delete: (name: string) => {
      request.jar.delete(name);
    },
  }),
  headers: async () => new Headers({ "x-forwarded-proto": "https" }),
}));
vi.mock("next/navigation", () => ({
  redirect: (url: string) => {
    throw new Error(`REDIRECT ${url}`);
  },
  forbidden: () => {
    throw new Error("FORBIDDEN");
  },
  unstable_rethrow: (error: unknown) => {
    if (error instanceof Error && /^(REDIRECT|FORBIDDEN)/.test(error.message)) throw error;
  },
}));
vi.mock("next/cache", () => ({ revalidatePath: vi.fn() }));
// The corpus actions reach Vectara through this client: a fresh local engine per test.
vi.mock("@/lib/server/vectara", () => ({
  getVectaraClient: () => {
    if (!request.client) throw new Error("no engine in this test");
    return request.client;
  },
}));

vi.stubEnv("DATA_DIR", tempDir("parley-actions-"));
vi.stubEnv("DATABASE_URL", "");
vi.stubEnv("AUTH_SECRET", "");
vi.stubEnv("VECTARA_API_KEY", "");
vi.stubEnv("VECTARA_CORPUS_KEY", "");
delete (globalThis as { __parleyAppDb?: unknown }).__parleyAppDb;

const staff = await import("@/lib/auth/staff");
const { createStaffSession, createUser, getAppDb, getUserCredentialsByEmail } = await import(
  "@/lib/db"
);
const { hashPassword } = await import("@/lib/auth/password");
const { getConfig } = await import("@/lib/config");
const { resetCorpusAction } = await import("@/app/(staff)/admin/actions");
const { createUserAction, setUserDisabledAction, setUserRoleAction } = await import(
  "@/app/(staff)/admin/users/actions"
);

const PASSWORD = "correct horse battery";
let hash: string;
let log: ReturnType<typeof captureLog>;

beforeEach(async () => {
  request.jar.clear();
  request.client = undefined;
  hash ??= await hashPassword(PASSWORD);
  log = captureLog();
});

afterEach(() => {
  vi.restoreAllMocks();
});

afterAll(async () => {
  await (await getAppDb()).close();
  delete (globalThis as { __parleyAppDb?: unknown }).__parleyAppDb;
  vi.unstubAllEnvs();
});

let n = 0;
async function makeUser(role: Role) {
  return createUser({
    db: await getAppDb(),
    email: `user${++n}@example.com`,
    passwordHash: hash,
    role,
    now: Date.now(),
  });
}

/**
 * Signs a new user with `role` in: a session row for a fresh token, and the token in
 * the jar (the database keeps the token's SHA-256, as lib/auth/staff.ts does).
 */
async function signedIn(role: Role) {
  const user = await makeUser(role);
  const token = randomBytes(32).toString("base64url");
  const now = Date.now();
  await createStaffSession({
    db: await getAppDb(),
    sessionHash: createHash("sha256").update(token).digest("hex"),
    userId: user.userId,
    now,
    expiresAt: now + 60 * 60 * 1000,
  });
  request.jar.set(staff.STAFF_COOKIE, { value: token });
  expect(await staff.getStaffUser()).toMatchObject({ userId: user.userId, role });
  return user;
}

function form(fields: Record<string, string | Blob>): FormData {
  const data = new FormData();
  for (const [name, value] of Object.entries(fields)) data.set(name, value);
  return data;
}

type Action = (state: unknown, form: unknown) => Promise<unknown>;

/** The log lines at warn or above written since the test began. */
function logLines(): LogLine[] {
  return log.problems();
}

/** Calls the action, expects a refusal with `code`, and exactly one stackless log line. */
async function expectRefused(action: Action, state: unknown, data: unknown, code: string) {
  log.clear();
  const result = (await action(state, data)) as Record<string, unknown>;
  expect(result).toMatchObject({ status: "error", code });
  expect(typeof result.message).toBe("string");
  const lines = logLines();
  expect(lines).toHaveLength(1);
  const [line] = lines as [LogLine];
  expect(line.msg).toBe("staff action refused");
  expect(line.err).toBeUndefined();
  expect(String(line.reason)).not.toMatch(/\n|\bat .+:\d+:\d+/);
  expect(String(line.reason).length).toBeLessThanOrEqual(500);
  return result as { status: "error"; code: string; message: string; fieldErrors?: object };
}

const VALID: Record<string, () => Promise<[Action, FormData]>> = {
  resetCorpus: async () => [resetCorpusAction, form({ confirmation: "support_kb" })],
  createUser: async () => [
    createUserAction,
    form({ email: "new@example.com", role: "agent", password: PASSWORD }),
  ],
  setUserRole: async () => {
    const target = await makeUser("agent");
    return [setUserRoleAction, form({ userId: target.userId, role: "moderator" })];
  },
  setUserDisabled: async () => {
    const target = await makeUser("agent");
    return [setUserDisabledAction, form({ userId: target.userId, disabled: "true" })];
  },
};

describe.each(Object.entries(VALID))("%s", (name, valid) => {
  it("signed out: unauthorized:staff, one log line, nothing thrown", async () => {
    const [action, data] = await valid();
    const result = await expectRefused(action, { status: "idle" }, data, "unauthorized:staff");
    expect(result.message).toBe("Sign in to continue.");
  });

  it("a stale or forged session cookie counts as signed out", async () => {
    const [action, data] = await valid();
    request.jar.set(staff.STAFF_COOKIE, { value: "x".repeat(43) });
    await expectRefused(action, { status: "idle" }, data, "unauthorized:staff");
  });

  it.each(["agent", "moderator"] as const)("as %s: forbidden:staff", async (role) => {
    await signedIn(role);
    const [action, data] = await valid();
    const result = await expectRefused(action, { status: "idle" }, data, "forbidden:staff");
    expect(result.message).toBe("This needs the admin role or higher.");
    expect(logLines()[0]).toMatchObject({ msg: "staff action refused", action: name });
  });

  it("malformed arguments: bad_request:staff with field errors, even for an admin", async () => {
    await signedIn("admin");
    const [action, data] = await valid();
    const fields = [...data.keys()];
    const huge = "x".repeat(1_000_000);
    const file = new Blob(["not a string"], { type: "text/plain" });
    const cases: unknown[] = [
      undefined,
      null,
      "confirmation=support_kb",
      42,
      [],
      Object.fromEntries(data.entries()), // a plain object is not a form
      form({}),
      form(Object.fromEntries(fields.map((f) => [f, huge]))),
      form(Object.fromEntries(fields.map((f) => [f, file]))),
      form(Object.fromEntries(fields.map((f) => [f, ""]))),
    ];
    for (const input of cases) {
      const result = await expectRefused(action, undefined, input, "bad_request:staff");
      expect(result.fieldErrors, String(input)).toBeDefined();
      expect(Object.keys(result.fieldErrors ?? {})).not.toHaveLength(0);
    }
  });

  it("anonymous and malformed: still one typed result", async () => {
    const [action] = await valid();
    await expectRefused(action, "garbage state", { toString: 1 }, "bad_request:staff");
  });
});

describe("with an admin signed in", () => {
  it("creates a user, and refuses the same email again on the field", async () => {
    await signedIn("admin");
    const data = form({ email: " Fresh@Example.com ", role: "moderator", password: PASSWORD });
    expect(await createUserAction({ status: "idle" }, data)).toEqual({
      status: "success",
      message: "fresh@example.com can now sign in.",
    });
    const created = await getUserCredentialsByEmail({
      db: await getAppDb(),
      email: "fresh@example.com",
    });
    expect(created?.user.role).toBe("moderator");

    const again = await expectRefused(createUserAction, undefined, data, "conflict:staff");
    expect(again.fieldErrors).toEqual({ email: "is already taken" });
  });

  it("names each bad field of a new user", async () => {
    await signedIn("admin");
    const result = await expectRefused(
      createUserAction,
      undefined,
      form({ email: "not an email", role: "root", password: "short" }),
      "bad_request:staff",
    );
    expect(Object.keys(result.fieldErrors ?? {}).sort()).toEqual(["email", "password", "role"]);
  });

  it("changes a role and disables an account, but not the admin's own", async () => {
    const admin = await signedIn("admin");
    const target = await makeUser("agent");
    expect(
      await setUserRoleAction(undefined, form({ userId: target.userId, role: "moderator" })),
    ).toEqual({ status: "success", message: "Role changed to moderator." });
    expect(
      await setUserDisabledAction(undefined, form({ userId: target.userId, disabled: "true" })),
    ).toEqual({ status: "success", message: "Account disabled." });

    const demote = await expectRefused(
      setUserRoleAction,
      undefined,
      form({ userId: admin.userId, role: "agent" }),
      "forbidden:staff",
    );
    expect(demote.message).toBe("You cannot remove your own admin role.");
    await expectRefused(
      setUserDisabledAction,
      undefined,
      form({ userId: "usr_missing", disabled: "true" }),
      "not_found:staff",
    );
  });

  it("resets the corpus only when the confirmation is its key", async () => {
    await signedIn("admin");
    const { client } = makeEngine();
    request.client = client;
    const corpusKey = getConfig().vectara.corpusKey;
    await client.corpora.create({ key: corpusKey });

    const wrong = await expectRefused(
      resetCorpusAction,
      undefined,
      form({ confirmation: "something else" }),
      "bad_request:staff",
    );
    expect(wrong.fieldErrors).toEqual({ confirmation: "does not match the corpus key" });
    expect(await resetCorpusAction(undefined, form({ confirmation: corpusKey }))).toEqual({
      status: "success",
      message: "Every document was deleted.",
    });
  });

  it("answers an unexpected failure with a result, logged once with its stack", async () => {
    await signedIn("admin");
    request.client = undefined; // getVectaraClient throws a plain Error
    const result = await resetCorpusAction(undefined, form({ confirmation: "support_kb" }));
    expect(result).toMatchObject({ status: "error", code: "upstream:staff" });
    expect(logLines()).toHaveLength(1);
    expect(logLines()[0]?.err?.stack).toEqual(expect.any(String));
  });
});
