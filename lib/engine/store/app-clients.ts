import { randomBytes, timingSafeEqual } from "node:crypto";
import type { DB } from "./db";
import { hashKey, type KeyRole } from "./keys";

/**
 * OAuth 2.0 app clients (client-credentials grant) and the access tokens issued to
 * them. A client carries the same grant as an API key: a role and an optional
 * corpus scope. Secrets and tokens are stored as SHA-256 hashes, like API keys.
 */
export interface AppClientRow {
  /** The wire id (`app_…`), used by `/v2/app_clients`. */
  id: string;
  name: string;
  description: string;
  /** The OAuth `client_id`. */
  clientId: string;
  role: KeyRole;
  /** Null reaches every corpus (always null for personal clients). */
  corpusKeys: string[] | null;
  enabled: boolean;
  createdAt: string;
  /** Row order; backs the list cursor. */
  seq: number;
}

interface RawClient {
  seq: number;
  id: string;
  name: string;
  description: string;
  client_id: string;
  secret_hash: string;
  role: KeyRole;
  corpus_keys: string | null;
  enabled: number;
  created_at: string;
}

const toRow = (r: RawClient): AppClientRow => ({
  id: r.id,
  name: r.name,
  description: r.description,
  clientId: r.client_id,
  role: r.role,
  corpusKeys: r.corpus_keys === null ? null : (JSON.parse(r.corpus_keys) as string[]),
  enabled: r.enabled === 1,
  createdAt: r.created_at,
  seq: r.seq,
});

const scopeJson = (role: KeyRole, corpusKeys: string[] | null | undefined) =>
  role === "personal" || !corpusKeys ? null : JSON.stringify(corpusKeys);

/** 256-bit random secret; base64url, so it needs no escaping in a form or a Basic header. */
export const generateClientSecret = () => randomBytes(32).toString("base64url");

/** Creates a client (secret given or generated) and returns its row and secret. */
export function createAppClient(
  db: DB,
  input: {
    name: string;
    description?: string;
    role: KeyRole;
    corpusKeys?: string[] | null;
    clientId?: string;
    clientSecret?: string;
  },
): { client: AppClientRow; secret: string } {
  const secret = input.clientSecret ?? generateClientSecret();
  const id = `app_${randomBytes(9).toString("base64url")}`;
  const clientId = input.clientId ?? randomBytes(16).toString("hex");
  db.prepare(
    `INSERT INTO app_clients (id, name, description, client_id, secret_hash, role, corpus_keys, enabled, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?)`,
  ).run(
    id,
    input.name,
    input.description ?? "",
    clientId,
    hashKey(secret),
    input.role,
    scopeJson(input.role, input.corpusKeys),
    new Date().toISOString(),
  );
  return { client: getAppClientById(db, id) as AppClientRow, secret };
}

export function getAppClientById(db: DB, id: string): AppClientRow | undefined {
  const raw = db.prepare("SELECT * FROM app_clients WHERE id = ?").get(id) as RawClient | undefined;
  return raw ? toRow(raw) : undefined;
}

export function getAppClientByClientId(db: DB, clientId: string): AppClientRow | undefined {
  const raw = db.prepare("SELECT * FROM app_clients WHERE client_id = ?").get(clientId) as
    | RawClient
    | undefined;
  return raw ? toRow(raw) : undefined;
}

/** The client whose id and secret these are, enabled or not; undefined when they don't match. */
export function verifyClientCredentials(
  db: DB,
  clientId: string,
  clientSecret: string,
): AppClientRow | undefined {
  const raw = db.prepare("SELECT * FROM app_clients WHERE client_id = ?").get(clientId) as
    | RawClient
    | undefined;
  // Hash even for an unknown client, so timing does not tell which client ids exist.
  const given = Buffer.from(hashKey(clientSecret), "hex");
  const stored = Buffer.from(raw?.secret_hash ?? "0".repeat(64), "hex");
  const same = given.length === stored.length && timingSafeEqual(given, stored);
  return raw && same ? toRow(raw) : undefined;
}

/** Clients in creation order, after the cursor `afterSeq`. */
export function listAppClients(db: DB, afterSeq = 0): AppClientRow[] {
  return (
    db.prepare("SELECT * FROM app_clients WHERE seq > ? ORDER BY seq").all(afterSeq) as RawClient[]
  ).map(toRow);
}

/**
 * Applies a partial update. A change of role or scope, or disabling, revokes the
 * client's tokens in the same transaction, so no token outlives the grant it carried.
 */
export function updateAppClient(
  db: DB,
  id: string,
  patch: {
    name?: string;
    description?: string;
    role?: KeyRole;
    corpusKeys?: string[] | null;
    enabled?: boolean;
    clientSecret?: string;
  },
): AppClientRow | undefined {
  return db.transaction(() => {
    const current = getAppClientById(db, id);
    if (!current) return undefined;
    const role = patch.role ?? current.role;
    const corpusKeys = patch.corpusKeys === undefined ? current.corpusKeys : patch.corpusKeys;
    const enabled = patch.enabled ?? current.enabled;
    db.prepare(
      `UPDATE app_clients SET name = ?, description = ?, role = ?, corpus_keys = ?, enabled = ?,
         secret_hash = COALESCE(?, secret_hash) WHERE id = ?`,
    ).run(
      patch.name ?? current.name,
      patch.description ?? current.description,
      role,
      scopeJson(role, corpusKeys),
      enabled ? 1 : 0,
      patch.clientSecret === undefined ? null : hashKey(patch.clientSecret),
      id,
    );
    const updated = getAppClientById(db, id) as AppClientRow;
    const grantChanged =
      updated.role !== current.role ||
      JSON.stringify(updated.corpusKeys) !== JSON.stringify(current.corpusKeys);
    if (grantChanged || !updated.enabled || patch.clientSecret !== undefined) {
      revokeTokensByAppClientId(db, id);
    }
    return updated;
  })();
}

export function deleteAppClient(db: DB, id: string): boolean {
  return db.prepare("DELETE FROM app_clients WHERE id = ?").run(id).changes === 1;
}

/**
 * Seeds the client configured by `LOCAL_APP_CLIENT_ID`/`_SECRET`. Idempotent: an
 * existing client with that id keeps its row (and enabled state) and takes the
 * configured secret and role, so a changed environment takes effect on restart.
 */
export function ensureAppClient(
  db: DB,
  input: { clientId: string; clientSecret: string; role: KeyRole; name: string },
): AppClientRow {
  return db.transaction(() => {
    const existing = getAppClientByClientId(db, input.clientId);
    if (!existing) {
      return createAppClient(db, {
        name: input.name,
        role: input.role,
        clientId: input.clientId,
        clientSecret: input.clientSecret,
      }).client;
    }
    const sameSecret = verifyClientCredentials(db, input.clientId, input.clientSecret);
    if (sameSecret && existing.role === input.role) return existing;
    return updateAppClient(db, existing.id, {
      role: input.role,
      clientSecret: sameSecret ? undefined : input.clientSecret,
    }) as AppClientRow;
  })();
}

// ---- access tokens -------------------------------------------------------------

/** Live tokens kept per client; a client that keeps asking evicts its oldest. */
const MAX_LIVE_TOKENS_PER_CLIENT = 100;

/**
 * Issues a 256-bit random access token carrying the client's grant. Expired tokens
 * of every client are swept here, so the table stays small without a timer.
 */
export function issueAccessToken(
  db: DB,
  client: AppClientRow,
  ttlSeconds: number,
  now = Date.now(),
): { token: string; expiresAt: number } {
  const token = randomBytes(32).toString("base64url");
  const expiresAt = now + ttlSeconds * 1000;
  db.transaction(() => {
    db.prepare("DELETE FROM oauth_tokens WHERE expires_at <= ?").run(now);
    db.prepare(
      "INSERT INTO oauth_tokens (hash, app_client_id, role, corpus_keys, expires_at) VALUES (?, ?, ?, ?, ?)",
    ).run(
      hashKey(token),
      client.id,
      client.role,
      scopeJson(client.role, client.corpusKeys),
      expiresAt,
    );
    db.prepare(
      `DELETE FROM oauth_tokens WHERE app_client_id = ? AND hash NOT IN (
         SELECT hash FROM oauth_tokens WHERE app_client_id = ? ORDER BY expires_at DESC LIMIT ?)`,
    ).run(client.id, client.id, MAX_LIVE_TOKENS_PER_CLIENT);
  })();
  return { token, expiresAt };
}

export interface TokenGrant {
  appClientId: string;
  name: string;
  role: KeyRole;
  corpusKeys: string[] | null;
  createdAt: string;
}

/**
 * The grant behind a bearer token: `expired` once past its expiry (the row is
 * deleted then), `invalid` when unknown or its client is disabled.
 */
export function getGrantByAccessToken(
  db: DB,
  token: string,
  now = Date.now(),
): { status: "ok"; grant: TokenGrant } | { status: "expired" | "invalid" } {
  const hash = hashKey(token);
  const raw = db
    .prepare(
      `SELECT t.app_client_id, t.role, t.corpus_keys, t.expires_at, c.name, c.enabled, c.created_at
       FROM oauth_tokens t JOIN app_clients c ON c.id = t.app_client_id WHERE t.hash = ?`,
    )
    .get(hash) as
    | {
        app_client_id: string;
        role: KeyRole;
        corpus_keys: string | null;
        expires_at: number;
        name: string;
        enabled: number;
        created_at: string;
      }
    | undefined;
  if (raw?.enabled !== 1) return { status: "invalid" };
  if (raw.expires_at <= now) {
    db.prepare("DELETE FROM oauth_tokens WHERE hash = ?").run(hash);
    return { status: "expired" };
  }
  return {
    status: "ok",
    grant: {
      appClientId: raw.app_client_id,
      name: raw.name,
      role: raw.role,
      corpusKeys: raw.corpus_keys === null ? null : (JSON.parse(raw.corpus_keys) as string[]),
      createdAt: raw.created_at,
    },
  };
}

export function revokeTokensByAppClientId(db: DB, appClientId: string): void {
  db.prepare("DELETE FROM oauth_tokens WHERE app_client_id = ?").run(appClientId);
}
