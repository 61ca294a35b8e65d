import { createHash, randomBytes } from "node:crypto";
import type { DB } from "./db";

export type KeyRole = "serving" | "serving_and_indexing" | "personal";

export interface ApiKeyRow {
  id: string;
  name: string;
  role: KeyRole;
  /** Null for personal keys, which reach every corpus. */
  corpusKeys: string[] | null;
  enabled: boolean;
  createdAt: string;
}

const PREFIX: Record<KeyRole, string> = {
  serving: "zqt_",
  serving_and_indexing: "zwt_",
  personal: "zut_",
};

/**
 * Keys are random 32-byte secrets, so a plain SHA-256 is a safe way to store them:
 * there is no low-entropy password to brute-force.
 */
export const hashKey = (secret: string) => createHash("sha256").update(secret).digest("hex");

export function generateSecret(role: KeyRole): string {
  return PREFIX[role] + randomBytes(24).toString("base64url");
}

interface RawKey {
  id: string;
  name: string;
  role: KeyRole;
  corpus_keys: string | null;
  enabled: number;
  created_at: string;
}

const toRow = (r: RawKey): ApiKeyRow => ({
  id: r.id,
  name: r.name,
  role: r.role,
  corpusKeys: r.corpus_keys === null ? null : (JSON.parse(r.corpus_keys) as string[]),
  enabled: r.enabled === 1,
  createdAt: r.created_at,
});

/** Stores a key (given or generated) and returns its row and secret. */
export function createApiKey(
  db: DB,
  input: { name: string; role: KeyRole; corpusKeys?: string[] | null; secret?: string },
): { key: ApiKeyRow; secret: string } {
  const secret = input.secret ?? generateSecret(input.role);
  const id = `aky_${randomBytes(9).toString("base64url")}`;
  db.prepare(
    "INSERT INTO api_keys (id, name, hash, role, corpus_keys, enabled, created_at) VALUES (?, ?, ?, ?, ?, 1, ?)",
  ).run(
    id,
    input.name,
    hashKey(secret),
    input.role,
    input.role === "personal" || !input.corpusKeys ? null : JSON.stringify(input.corpusKeys),
    new Date().toISOString(),
  );
  return { key: getApiKeyById(db, id) as ApiKeyRow, secret };
}

export function getApiKeyBySecret(db: DB, secret: string): ApiKeyRow | undefined {
  const raw = db.prepare("SELECT * FROM api_keys WHERE hash = ?").get(hashKey(secret)) as
    | RawKey
    | undefined;
  return raw ? toRow(raw) : undefined;
}

export function getApiKeyById(db: DB, id: string): ApiKeyRow | undefined {
  const raw = db.prepare("SELECT * FROM api_keys WHERE id = ?").get(id) as RawKey | undefined;
  return raw ? toRow(raw) : undefined;
}

export function listApiKeys(db: DB): ApiKeyRow[] {
  return (db.prepare("SELECT * FROM api_keys ORDER BY created_at, id").all() as RawKey[]).map(
    toRow,
  );
}

export function setApiKeyEnabled(db: DB, id: string, enabled: boolean): void {
  db.prepare("UPDATE api_keys SET enabled = ? WHERE id = ?").run(enabled ? 1 : 0, id);
}

export function deleteApiKey(db: DB, id: string): boolean {
  return db.prepare("DELETE FROM api_keys WHERE id = ?").run(id).changes === 1;
}

/**
 * Makes `secret` the engine's personal key named `name`, replacing an earlier key of
 * that name whose secret differs (so a changed LOCAL_API_KEY takes effect).
 */
export function ensurePersonalKey(db: DB, name: string, secret: string): void {
  db.transaction(() => {
    const existing = getApiKeyBySecret(db, secret);
    if (existing?.role === "personal") return;
    db.prepare("DELETE FROM api_keys WHERE name = ? AND role = 'personal'").run(name);
    createApiKey(db, { name, role: "personal", secret });
  })();
}
