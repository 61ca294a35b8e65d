import { z } from "zod";
import { hashPassword, passwordSchema } from "@/lib/auth/password";
import { ConfigError, loadConfig } from "@/lib/config";
import {
  createUser,
  DuplicateUserError,
  getAppDb,
  getUserByEmail,
  listUsers,
  type SqlDriver,
  setUserDisabledByUserId,
  setUserPasswordByUserId,
  setUserRoleByUserId,
  USER_ROLES,
  type User,
  type UserRole,
} from "@/lib/db";
import { parseCommandLine, UsageError } from "./args";

/**
 * `npm run users -- <command>`: manage staff accounts in the app database that
 * the server uses (DATA_DIR / DATABASE_URL). Passwords come from stdin when it is
 * piped, else from a prompt that does not echo. lib/db is server-only, so the
 * npm script runs tsx with `--conditions react-server`, under which the
 * `server-only` marker resolves to an empty module.
 */

const USAGE = `Usage: npm run users -- <command>

Commands:
  add <email> --role <agent|moderator|admin>   create a user (asks for a password)
  list                                         list every user
  set-role <email> <agent|moderator|admin>     change a user's role
  disable <email>                              sign a user out and block sign-in
  enable <email>                               allow a disabled user to sign in again
  set-password <email>                         set a new password (signs the user out)

The password is read from stdin when it is piped (first line), e.g.
  printf '%s\\n' "$PASSWORD" | npm run users -- add ana@example.com --role agent
and is at least 12 characters long.`;

class CommandError extends Error {}

type Command =
  | { name: "add"; email: string; role: UserRole }
  | { name: "list" }
  | { name: "set-role"; email: string; role: UserRole }
  | { name: "disable" | "enable" | "set-password"; email: string }
  | { name: "help" };

const emailSchema = z.email();
const roleSchema = z.enum(USER_ROLES);

function parseEmail(value: string | undefined): string {
  if (!value) throw new UsageError("an email is required");
  const email = value.trim().toLowerCase();
  if (!emailSchema.safeParse(email).success) throw new UsageError(`not an email: ${value}`);
  return email;
}

function parseRole(value: string | undefined): UserRole {
  const parsed = roleSchema.safeParse(value);
  if (!parsed.success) {
    throw new UsageError(
      value ? `unknown role: ${value} (use ${USER_ROLES.join(", ")})` : "a role is required",
    );
  }
  return parsed.data;
}

function parseUsersArgs(argv: readonly string[]): Command {
  const [name, ...rest] = argv;
  if (!name || name === "help" || name === "--help" || name === "-h") return { name: "help" };
  const args = (n: number): string[] => {
    const { positionals } = parseCommandLine(rest, { options: {}, allowPositionals: true });
    if (positionals.length !== n) {
      throw new UsageError(
        `${name} takes ${n} argument${n === 1 ? "" : "s"} (got ${positionals.length})`,
      );
    }
    return positionals;
  };
  switch (name) {
    case "add": {
      const { values, positionals } = parseCommandLine(rest, {
        options: { role: { type: "string" } },
        allowPositionals: true,
      });
      if (positionals.length !== 1) throw new UsageError("add takes one email");
      if (values.role === undefined) {
        throw new UsageError("add needs --role <agent|moderator|admin>");
      }
      return { name, email: parseEmail(positionals[0]), role: parseRole(values.role) };
    }
    case "list":
      args(0);
      return { name };
    case "set-role": {
      const [email, role] = args(2);
      return { name, email: parseEmail(email), role: parseRole(role) };
    }
    case "disable":
    case "enable":
    case "set-password":
      return { name, email: parseEmail(args(1)[0]) };
    default:
      throw new UsageError(`unknown command: ${name}`);
  }
}

async function readPassword(): Promise<string> {
  const password = process.stdin.isTTY ? await promptTwice() : await readPipedPassword();
  const checked = passwordSchema.safeParse(password);
  if (!checked.success) {
    throw new CommandError(`The password ${checked.error.issues[0]?.message ?? "is invalid"}.`);
  }
  return checked.data;
}

async function readPipedPassword(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(Buffer.from(chunk));
  const text = Buffer.concat(chunks).toString("utf8");
  return text.split(/\r?\n/, 1)[0] ?? "";
}

async function promptTwice(): Promise<string> {
  const first = await promptHidden("Password: ");
  const second = await promptHidden("Repeat the password: ");
  if (first !== second) throw new CommandError("The passwords do not match.");
  return first;
}

/** Reads one line from the terminal in raw mode, echoing nothing. */
function promptHidden(question: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const stdin = process.stdin;
    process.stderr.write(question);
    let value = "";
    const finish = (error?: Error) => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off("data", onData);
      process.stderr.write("\n");
      if (error) reject(error);
      else resolve(value);
    };
    const onData = (data: Buffer) => {
      for (const char of data.toString("utf8")) {
        if (char === "\r" || char === "\n") return finish();
        if (char === "\u0003") return finish(new CommandError("Cancelled."));
        if (char === "\u007f" || char === "\b") value = value.slice(0, -1);
        else if (char >= " ") value += char;
      }
    };
    stdin.setRawMode(true);
    stdin.resume();
    stdin.on("data", onData);
  });
}

async function requireUser(db: SqlDriver, email: string): Promise<User> {
  const user = await getUserByEmail({ db, email });
  if (!user) throw new CommandError(`No user has the email ${email}.`);
  return user;
}

function formatUsers(users: readonly User[]): string {
  if (users.length === 0)
    return "No users yet. Add one with: npm run users -- add <email> --role admin\n";
  const rows = [
    ["EMAIL", "ROLE", "STATUS", "CREATED"],
    ...users.map((u) => [
      u.email,
      u.role,
      u.disabled ? "disabled" : "active",
      new Date(u.createdAt).toISOString().slice(0, 16).replace("T", " "),
    ]),
  ];
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length))) ?? [];
  return `${rows
    .map((r) =>
      r
        .map((cell, i) => cell.padEnd(widths[i] ?? 0))
        .join("  ")
        .trimEnd(),
    )
    .join("\n")}\n`;
}

async function run(command: Exclude<Command, { name: "help" }>, db: SqlDriver): Promise<string> {
  const now = Date.now();
  switch (command.name) {
    case "add": {
      if (await getUserByEmail({ db, email: command.email })) {
        throw new CommandError(`A user with the email ${command.email} already exists.`);
      }
      const passwordHash = await hashPassword(await readPassword());
      const user = await createUser({
        db,
        email: command.email,
        passwordHash,
        role: command.role,
        now,
      });
      return `Added ${user.email} (${user.role}).\n`;
    }
    case "list":
      return formatUsers(await listUsers({ db }));
    case "set-role": {
      const user = await requireUser(db, command.email);
      await setUserRoleByUserId({ db, userId: user.userId, role: command.role, now });
      return `${user.email} is now ${command.role}.\n`;
    }
    case "disable":
    case "enable": {
      const user = await requireUser(db, command.email);
      const disabled = command.name === "disable";
      await setUserDisabledByUserId({ db, userId: user.userId, disabled, now });
      return disabled
        ? `Disabled ${user.email}: signed out and blocked from signing in.\n`
        : `Enabled ${user.email}.\n`;
    }
    case "set-password": {
      const user = await requireUser(db, command.email);
      const passwordHash = await hashPassword(await readPassword());
      await setUserPasswordByUserId({ db, userId: user.userId, passwordHash, now });
      return `Set a new password for ${user.email} and signed them out.\n`;
    }
  }
}

async function main(argv: string[]): Promise<number> {
  let command: Command;
  try {
    command = parseUsersArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`users: ${error.message}\n\n${USAGE}\n`);
    return 2;
  }
  if (command.name === "help") {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  try {
    loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    return 2;
  }
  const db = await getAppDb();
  try {
    process.stdout.write(await run(command, db));
    return 0;
  } catch (error) {
    if (error instanceof CommandError || error instanceof DuplicateUserError) {
      process.stderr.write(`users: ${error.message}\n`);
      return 1;
    }
    throw error;
  } finally {
    await db.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`users: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
