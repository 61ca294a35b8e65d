import "server-only";
import { hash, verify } from "@node-rs/argon2";
import { z } from "zod";

/**
 * Staff passwords, hashed with argon2id. The parameters are OWASP's first
 * recommended set (19 MiB, 2 passes, 1 lane): about 20–40 ms per hash on a
 * server core, slow for an attacker with a stolen database and cheap enough that
 * sign-in stays quick. Argon2id is the library's default algorithm; every hash
 * records its own parameters, so raising them later still verifies old hashes.
 */
const HASH_OPTIONS = { memoryCost: 19_456, timeCost: 2, parallelism: 1, outputLen: 32 } as const;

export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 256;

/** The password policy for new passwords: length only, as NIST SP 800-63B advises. */
export const passwordSchema = z
  .string()
  .min(PASSWORD_MIN_LENGTH, {
    message: `must be at least ${PASSWORD_MIN_LENGTH} characters`,
  })
  .max(PASSWORD_MAX_LENGTH, {
    message: `must be at most ${PASSWORD_MAX_LENGTH} characters`,
  });

export async function hashPassword(password: string): Promise<string> {
  return hash(password, HASH_OPTIONS);
}

/** True when `password` matches `passwordHash`. Never throws: a malformed hash is a mismatch. */
export async function verifyPassword({
  passwordHash,
  password,
}: {
  passwordHash: string;
  password: string;
}): Promise<boolean> {
  if (password.length > PASSWORD_MAX_LENGTH) return false;
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

let dummyHash: Promise<string> | undefined;

/**
 * Spends as long as a real verification, for a sign-in whose email matches no
 * user: without it, "no such user" answers measurably faster than "wrong
 * password", and the timing would tell which emails have accounts.
 */
export async function verifyDummyPassword(password: string): Promise<false> {
  dummyHash ??= hashPassword(crypto.randomUUID());
  await verifyPassword({ passwordHash: await dummyHash, password });
  return false;
}
