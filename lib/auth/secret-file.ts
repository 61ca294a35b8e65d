import { randomBytes } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";

/**
 * The session signing secret: AUTH_SECRET when set, else `$DATA_DIR/auth-secret`,
 * generated on first use. No `server-only` marker here, on purpose: proxy.ts
 * (Node runtime) imports this file, and the marker's resolution in the proxy
 * bundle has varied between Next versions. Server code imports ./secret instead.
 */

const MIN_LENGTH = 32;

export async function resolveAuthSecret({
  authSecret,
  dataDir,
}: {
  authSecret?: string;
  dataDir: string;
}): Promise<string> {
  if (authSecret) return authSecret;
  return readOrCreateSecretFile({ file: path.resolve(dataDir, "auth-secret") });
}

/**
 * Reads the secret file, creating it when missing. Creation uses the `wx` flag,
 * so when two processes start at once exactly one writes and the other reads
 * what the winner wrote.
 */
export async function readOrCreateSecretFile({ file }: { file: string }): Promise<string> {
  const existing = await readSecret(file);
  if (existing) return existing;
  if (existing === undefined) {
    await mkdir(path.dirname(file), { recursive: true });
    const secret = randomBytes(32).toString("hex");
    try {
      await writeFile(file, `${secret}\n`, { flag: "wx", mode: 0o600 });
      return secret;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
  }
  // Another process created the file first and its write may still be in
  // flight: an empty file is read again briefly before giving up.
  for (let attempt = 0; attempt < 20; attempt++) {
    const theirs = await readSecret(file);
    if (theirs) return theirs;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`${file} holds no usable secret (at least ${MIN_LENGTH} characters).`);
}

async function readSecret(file: string): Promise<string | undefined> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  const secret = text.trim();
  if (secret.length === 0) return "";
  if (secret.length < MIN_LENGTH) {
    throw new Error(`${file} holds a secret shorter than ${MIN_LENGTH} characters.`);
  }
  return secret;
}
