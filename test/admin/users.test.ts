import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { AppError } from "@/lib/http/errors";

vi.mock("server-only", () => ({}));
const { openAppDb, getUserCredentialsByEmail } = await import("@/lib/db");
const { changeStaffRole, createStaffAccount, listStaffAccounts, setStaffDisabled } = await import(
  "@/lib/auth/accounts"
);
const { verifyPassword } = await import("@/lib/auth/password");
type SqlDriver = import("@/lib/db").SqlDriver;

let db: SqlDriver;
beforeEach(async () => {
  db = await openAppDb({ file: ":memory:" });
});
afterEach(async () => {
  await db.close();
});

async function caught(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    return error as AppError;
  }
  throw new Error("expected an AppError");
}

const PASSWORD = "correct horse battery";

async function seed() {
  await createStaffAccount({ db, email: "Admin@Example.com", password: PASSWORD, role: "admin" });
  await createStaffAccount({ db, email: "agent@example.com", password: PASSWORD, role: "agent" });
  const users = await listStaffAccounts({ db });
  const admin = users.find((u) => u.email === "admin@example.com");
  const agent = users.find((u) => u.email === "agent@example.com");
  if (!admin || !agent) throw new Error("seed failed");
  return { admin: { ...admin }, agent };
}

describe("staff accounts", () => {
  it("creates an account whose password signs in, and refuses the same email twice", async () => {
    await seed();
    const creds = await getUserCredentialsByEmail({ db, email: "agent@example.com" });
    expect(creds?.user).toMatchObject({ role: "agent", disabled: false });
    expect(
      await verifyPassword({ passwordHash: creds?.passwordHash ?? "", password: PASSWORD }),
    ).toBe(true);

    const duplicate = await caught(
      createStaffAccount({ db, email: "AGENT@example.com", password: PASSWORD, role: "moderator" }),
    );
    expect(duplicate.code).toBe("conflict:staff");
    expect(duplicate.fieldErrors).toEqual({ email: "is already taken" });
  });

  it("changes another user's role and disables and re-enables them", async () => {
    const { admin, agent } = await seed();

    await changeStaffRole({ db, actor: admin, userId: agent.userId, role: "moderator" });
    await setStaffDisabled({ db, actor: admin, userId: agent.userId, disabled: true });

    let row = (await listStaffAccounts({ db })).find((u) => u.userId === agent.userId);
    expect(row).toMatchObject({ role: "moderator", disabled: true });

    await setStaffDisabled({ db, actor: admin, userId: agent.userId, disabled: false });
    row = (await listStaffAccounts({ db })).find((u) => u.userId === agent.userId);
    expect(row?.disabled).toBe(false);
  });

  it("will not let an admin demote or disable themselves", async () => {
    const { admin } = await seed();

    const demote = await caught(
      changeStaffRole({ db, actor: admin, userId: admin.userId, role: "agent" }),
    );
    expect(demote.code).toBe("forbidden:staff");
    const disable = await caught(
      setStaffDisabled({ db, actor: admin, userId: admin.userId, disabled: true }),
    );
    expect(disable.code).toBe("forbidden:staff");

    const self = (await listStaffAccounts({ db })).find((u) => u.userId === admin.userId);
    expect(self).toMatchObject({ role: "admin", disabled: false });
  });

  it("says not_found:staff for a user that does not exist", async () => {
    const { admin } = await seed();
    const error = await caught(
      changeStaffRole({ db, actor: admin, userId: "usr_missing", role: "agent" }),
    );
    expect(error.code).toBe("not_found:staff");
  });
});
