import "server-only";
import { randomBytes } from "node:crypto";
import { z } from "zod";
import type { SqlDriver } from "./driver";
import { epochMs } from "./rows";

/**
 * Staff users and their sessions. Emails are stored lowercased and trimmed, so
 * lookups by email are exact matches. A user's password hash never leaves this
 * module except through `getUserCredentialsByEmail`, which sign-in alone uses.
 */

export const USER_ROLES = ["agent", "moderator", "admin"] as const;
export type UserRole = (typeof USER_ROLES)[number];

export interface User {
  userId: string;
  email: string;
  role: UserRole;
  disabled: boolean;
  createdAt: number;
  updatedAt: number;
}

export interface StaffSession {
  sessionHash: string;
  userId: string;
  /** When the session's current token was issued (sign-in, or its last rotation). */
  createdAt: number;
  lastSeenAt: number;
  /** The absolute end of the session; rotation keeps it. */
  expiresAt: number;
}

export type StaffSessionWithUser = StaffSession & { user: User };

/** `createUser` was asked for an email that already has an account. */
export class DuplicateUserError extends Error {
  readonly code = "conflict:user";
  readonly email: string;
  constructor(email: string) {
    super(`A user with the email ${email} already exists.`);
    this.name = "DuplicateUserError";
    this.email = email;
  }
}

// SQLite returns 0/1 integers; Postgres may return booleans or strings.
const flag = z.union([z.boolean(), z.coerce.number()]).transform((v) => v === true || v === 1);

const userColumns = {
  user_id: z.string(),
  email: z.string(),
  role: z.enum(USER_ROLES),
  disabled: flag,
  created_at: epochMs,
  updated_at: epochMs,
};

const toUser = (r: {
  user_id: string;
  email: string;
  role: UserRole;
  disabled: boolean;
  created_at: number;
  updated_at: number;
}): User => ({
  userId: r.user_id,
  email: r.email,
  role: r.role,
  disabled: r.disabled,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

const userRow = z.object(userColumns).transform(toUser);

const credentialsRow = z
  .object({ ...userColumns, password_hash: z.string() })
  .transform((r) => ({ user: toUser(r), passwordHash: r.password_hash }));

const sessionWithUserRow = z
  .object({
    ...userColumns,
    session_hash: z.string(),
    session_created_at: epochMs,
    last_seen_at: epochMs,
    expires_at: epochMs,
  })
  .transform(
    (r): StaffSessionWithUser => ({
      sessionHash: r.session_hash,
      userId: r.user_id,
      createdAt: r.session_created_at,
      lastSeenAt: r.last_seen_at,
      expiresAt: r.expires_at,
      user: toUser(r),
    }),
  );

const USER_COLUMNS = "user_id, email, role, disabled, created_at, updated_at";

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export function createUserId(): string {
  return `usr_${randomBytes(16).toString("base64url")}`;
}

function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  // SQLite (better-sqlite3) and PostgreSQL codes for a UNIQUE violation.
  return (
    code === "SQLITE_CONSTRAINT_UNIQUE" ||
    code === "SQLITE_CONSTRAINT_PRIMARYKEY" ||
    code === "23505"
  );
}

export async function createUser({
  db,
  email,
  passwordHash,
  role,
  now,
}: {
  db: SqlDriver;
  email: string;
  passwordHash: string;
  role: UserRole;
  now: number;
}): Promise<User> {
  const normalized = normalizeEmail(email);
  const userId = createUserId();
  try {
    await db.run(
      `INSERT INTO users (user_id, email, password_hash, role, disabled, created_at, updated_at)
       VALUES (?, ?, ?, ?, 0, ?, ?)`,
      [userId, normalized, passwordHash, role, now, now],
    );
  } catch (error) {
    if (isUniqueViolation(error)) throw new DuplicateUserError(normalized);
    throw error;
  }
  return { userId, email: normalized, role, disabled: false, createdAt: now, updatedAt: now };
}

export async function getUserByEmail({
  db,
  email,
}: {
  db: SqlDriver;
  email: string;
}): Promise<User | undefined> {
  const row = await db.get(`SELECT ${USER_COLUMNS} FROM users WHERE email = ?`, [
    normalizeEmail(email),
  ]);
  return row === undefined ? undefined : userRow.parse(row);
}

/** The user with their password hash: for sign-in and password checks only. */
export async function getUserCredentialsByEmail({
  db,
  email,
}: {
  db: SqlDriver;
  email: string;
}): Promise<{ user: User; passwordHash: string } | undefined> {
  const row = await db.get(`SELECT ${USER_COLUMNS}, password_hash FROM users WHERE email = ?`, [
    normalizeEmail(email),
  ]);
  return row === undefined ? undefined : credentialsRow.parse(row);
}

export async function getUserByUserId({
  db,
  userId,
}: {
  db: SqlDriver;
  userId: string;
}): Promise<User | undefined> {
  const row = await db.get(`SELECT ${USER_COLUMNS} FROM users WHERE user_id = ?`, [userId]);
  return row === undefined ? undefined : userRow.parse(row);
}

/** Every user, by email. Staff lists are small: no paging. */
export async function listUsers({ db }: { db: SqlDriver }): Promise<User[]> {
  const rows = await db.all(`SELECT ${USER_COLUMNS} FROM users ORDER BY email`);
  return rows.map((r) => userRow.parse(r));
}

/** The updated user, or undefined when there is none with that id. */
export async function setUserRoleByUserId({
  db,
  userId,
  role,
  now,
}: {
  db: SqlDriver;
  userId: string;
  role: UserRole;
  now: number;
}): Promise<User | undefined> {
  return db.transaction(async (tx) => {
    await tx.run("UPDATE users SET role = ?, updated_at = ? WHERE user_id = ?", [
      role,
      now,
      userId,
    ]);
    return getUserByUserId({ db: tx, userId });
  });
}

/** Disabling a user also ends every session they have, in the same transaction. */
export async function setUserDisabledByUserId({
  db,
  userId,
  disabled,
  now,
}: {
  db: SqlDriver;
  userId: string;
  disabled: boolean;
  now: number;
}): Promise<User | undefined> {
  return db.transaction(async (tx) => {
    await tx.run("UPDATE users SET disabled = ?, updated_at = ? WHERE user_id = ?", [
      disabled ? 1 : 0,
      now,
      userId,
    ]);
    if (disabled) await deleteStaffSessionsByUserId({ db: tx, userId });
    return getUserByUserId({ db: tx, userId });
  });
}

/** A new password ends every session of the user, in the same transaction. */
export async function setUserPasswordByUserId({
  db,
  userId,
  passwordHash,
  now,
}: {
  db: SqlDriver;
  userId: string;
  passwordHash: string;
  now: number;
}): Promise<User | undefined> {
  return db.transaction(async (tx) => {
    await tx.run("UPDATE users SET password_hash = ?, updated_at = ? WHERE user_id = ?", [
      passwordHash,
      now,
      userId,
    ]);
    await deleteStaffSessionsByUserId({ db: tx, userId });
    return getUserByUserId({ db: tx, userId });
  });
}

export async function createStaffSession({
  db,
  sessionHash,
  userId,
  now,
  expiresAt,
}: {
  db: SqlDriver;
  sessionHash: string;
  userId: string;
  now: number;
  expiresAt: number;
}): Promise<StaffSession> {
  await db.run(
    `INSERT INTO staff_sessions (session_hash, user_id, created_at, last_seen_at, expires_at)
     VALUES (?, ?, ?, ?, ?)`,
    [sessionHash, userId, now, now, expiresAt],
  );
  return { sessionHash, userId, createdAt: now, lastSeenAt: now, expiresAt };
}

/** The session with its user, whatever their state: callers check expiry and `disabled`. */
export async function getStaffSessionBySessionHash({
  db,
  sessionHash,
}: {
  db: SqlDriver;
  sessionHash: string;
}): Promise<StaffSessionWithUser | undefined> {
  const row = await db.get(
    `SELECT s.session_hash, s.created_at AS session_created_at, s.last_seen_at, s.expires_at,
            u.user_id, u.email, u.role, u.disabled, u.created_at, u.updated_at
     FROM staff_sessions s JOIN users u ON u.user_id = s.user_id
     WHERE s.session_hash = ?`,
    [sessionHash],
  );
  return row === undefined ? undefined : sessionWithUserRow.parse(row);
}

/**
 * Moves the session to a new token: the old hash stops working at once. Returns
 * false when the old hash is gone (expired, signed out, or another request
 * rotated it first), so exactly one concurrent rotation wins.
 */
export async function rotateStaffSessionBySessionHash({
  db,
  oldHash,
  newHash,
  now,
  expiresAt,
}: {
  db: SqlDriver;
  oldHash: string;
  newHash: string;
  now: number;
  expiresAt: number;
}): Promise<boolean> {
  const { changes } = await db.run(
    `UPDATE staff_sessions SET session_hash = ?, created_at = ?, last_seen_at = ?, expires_at = ?
     WHERE session_hash = ?`,
    [newHash, now, now, expiresAt, oldHash],
  );
  return changes > 0;
}

/** Records activity, which pushes back the idle timeout. */
export async function touchStaffSessionBySessionHash({
  db,
  sessionHash,
  now,
}: {
  db: SqlDriver;
  sessionHash: string;
  now: number;
}): Promise<boolean> {
  const { changes } = await db.run(
    "UPDATE staff_sessions SET last_seen_at = ? WHERE session_hash = ? AND last_seen_at < ?",
    [now, sessionHash, now],
  );
  return changes > 0;
}

export async function deleteStaffSessionBySessionHash({
  db,
  sessionHash,
}: {
  db: SqlDriver;
  sessionHash: string;
}): Promise<boolean> {
  const { changes } = await db.run("DELETE FROM staff_sessions WHERE session_hash = ?", [
    sessionHash,
  ]);
  return changes > 0;
}

/** Signs the user out everywhere. */
export async function deleteStaffSessionsByUserId({
  db,
  userId,
}: {
  db: SqlDriver;
  userId: string;
}): Promise<number> {
  return (await db.run("DELETE FROM staff_sessions WHERE user_id = ?", [userId])).changes;
}

/**
 * Removes sessions past their absolute end and, with `idleMs`, those unused for
 * that long. Returns how many were removed.
 */
export async function deleteExpiredStaffSessions({
  db,
  now,
  idleMs,
}: {
  db: SqlDriver;
  now: number;
  idleMs?: number;
}): Promise<number> {
  const { changes } =
    idleMs === undefined
      ? await db.run("DELETE FROM staff_sessions WHERE expires_at <= ?", [now])
      : await db.run("DELETE FROM staff_sessions WHERE expires_at <= ? OR last_seen_at <= ?", [
          now,
          now - idleMs,
        ]);
  return changes;
}
