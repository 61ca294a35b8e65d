import { z } from "zod";
import { errors } from "../../core/errors";
import { decodePageKey, encodePageKey } from "../../core/paging";
import { compileUserRegex } from "../../core/regex";
import { scanPage } from "../../core/scan";
import {
  type AppClientRow,
  createAppClient,
  deleteAppClient,
  getAppClientById,
  listAppClients,
  updateAppClient,
} from "../../store/app-clients";
import type { KeyRole } from "../../store/keys";
import { type Ctx, type Route, readJson, readQuery } from "../context";
import { json, noContent } from "../respond";
import { corpusKeySchema } from "../schemas/corpora";

/**
 * `/v2/app_clients`: OAuth clients for the client-credentials grant. Managed by
 * personal keys only, like `/v2/api_keys`.
 *
 * Vectara gives a client account-level `api_roles`; the engine grants what an API
 * key grants. `api_roles` map onto key roles (`owner`, `administrator` and
 * `corpus_administrator` → `personal`; `corpus_developer` → `serving_and_indexing`),
 * and the extension fields `api_key_role` and `corpus_keys` (as on
 * `CreateApiKeyRequest`) say it directly; `api_key_role` wins when both are sent.
 * Roles about billing or agents have no equivalent here and are a 400. A client
 * created with no role gets `serving`, the least.
 */
const API_ROLE_TO_KEY_ROLE: Record<string, KeyRole> = {
  owner: "personal",
  administrator: "personal",
  corpus_administrator: "personal",
  corpus_developer: "serving_and_indexing",
};
const KEY_ROLE_TO_API_ROLES: Record<KeyRole, string[]> = {
  personal: ["administrator"],
  serving_and_indexing: ["corpus_developer"],
  serving: [],
};
const RANK: Record<KeyRole, number> = { serving: 1, serving_and_indexing: 2, personal: 3 };

const keyRoleSchema = z.enum(["serving", "serving_and_indexing", "personal"]);
const apiRolesSchema = z
  .array(
    z.string().refine((r) => r in API_ROLE_TO_KEY_ROLE, {
      message: `must be one of ${Object.keys(API_ROLE_TO_KEY_ROLE).join(", ")} (other Vectara roles have no equivalent in this engine)`,
    }),
  )
  .max(10);

const createSchema = z.strictObject({
  type: z.literal("client_credentials").default("client_credentials"),
  name: z.string().trim().min(1).max(200),
  description: z.string().max(1000).optional(),
  api_roles: apiRolesSchema.optional(),
  api_key_role: keyRoleSchema.optional(),
  corpus_keys: z.array(corpusKeySchema).min(1).max(100).nullish(),
});

const updateSchema = z.strictObject({
  name: z.string().trim().min(1).max(200).optional(),
  description: z.string().max(1000).optional(),
  api_roles: apiRolesSchema.optional(),
  api_key_role: keyRoleSchema.optional(),
  corpus_keys: z.array(corpusKeySchema).min(1).max(100).nullable().optional(),
  enabled: z.boolean().optional(),
});

const listSchema = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(10),
  filter: z.string().optional(),
  page_key: z.string().optional(),
});

/** The strongest key role among Vectara `api_roles`; undefined for an empty list. */
function roleFromApiRoles(apiRoles: string[] | undefined): KeyRole | undefined {
  let best: KeyRole | undefined;
  for (const r of apiRoles ?? []) {
    const role = API_ROLE_TO_KEY_ROLE[r] as KeyRole;
    if (!best || RANK[role] > RANK[best]) best = role;
  }
  return best;
}

function checkScope(role: KeyRole, corpusKeys: string[] | null | undefined) {
  if (role === "personal" && corpusKeys) {
    throw errors.field("body.corpus_keys", "must be null for a personal client");
  }
}

const toWire = (c: AppClientRow, secret?: string) => ({
  id: c.id,
  name: c.name,
  description: c.description,
  client_id: c.clientId,
  ...(secret ? { client_secret: secret } : {}),
  api_roles: KEY_ROLE_TO_API_ROLES[c.role],
  api_key_role: c.role,
  corpus_keys: c.corpusKeys,
  enabled: c.enabled,
  created_at: c.createdAt,
});

async function create(ctx: Ctx) {
  const body = await readJson(ctx, createSchema);
  const role = body.api_key_role ?? roleFromApiRoles(body.api_roles) ?? "serving";
  checkScope(role, body.corpus_keys);
  const { client, secret } = createAppClient(ctx.db, {
    name: body.name,
    description: body.description,
    role,
    corpusKeys: body.corpus_keys ?? null,
  });
  return json(201, toWire(client, secret));
}

const isCursor = (v: unknown): v is { after: number } => {
  const after = (v as { after?: unknown } | null)?.after;
  return typeof after === "number" && Number.isSafeInteger(after) && after >= 0;
};

function list(ctx: Ctx) {
  const q = readQuery(ctx, listSchema);
  const regex = q.filter ? compileUserRegex(q.filter, "query.filter") : undefined;
  const cursor = decodePageKey(q.page_key, isCursor);
  // Bounded work per request (`core/scan.ts`): a short page may come with a page_key.
  const { page, resumeAfter } = scanPage({
    rows: listAppClients(ctx.db, cursor?.after),
    limit: q.limit,
    regex,
    texts: (c) => [c.name],
    check: () => ctx.deadline.check(),
  });
  return json(200, {
    app_clients: page.map((c) => toWire(c)),
    metadata: resumeAfter ? { page_key: encodePageKey({ after: resumeAfter.seq }) } : {},
  });
}

function requireClient(ctx: Ctx): AppClientRow {
  const id = ctx.params.app_client_id ?? "";
  const client = getAppClientById(ctx.db, id);
  if (!client) throw errors.notFound("App client", id);
  return client;
}

function get(ctx: Ctx) {
  return json(200, toWire(requireClient(ctx)));
}

async function update(ctx: Ctx) {
  const client = requireClient(ctx);
  const body = await readJson(ctx, updateSchema);
  // `api_roles` replaces the client's roles, so an empty list leaves the least role.
  const role =
    body.api_key_role ??
    (body.api_roles ? (roleFromApiRoles(body.api_roles) ?? "serving") : client.role);
  const corpusKeys =
    body.corpus_keys !== undefined
      ? body.corpus_keys
      : role === "personal"
        ? null
        : client.corpusKeys;
  checkScope(role, corpusKeys);
  const updated = updateAppClient(ctx.db, client.id, {
    name: body.name,
    description: body.description,
    role,
    corpusKeys,
    enabled: body.enabled,
  });
  if (!updated) throw errors.notFound("App client", client.id);
  return json(200, toWire(updated));
}

function remove(ctx: Ctx) {
  if (!deleteAppClient(ctx.db, requireClient(ctx).id)) {
    throw errors.notFound("App client", ctx.params.app_client_id ?? "");
  }
  return noContent();
}

export const appClientRoutes: Route[] = [
  { method: "POST", pattern: "/v2/app_clients", role: "personal", handler: create },
  { method: "GET", pattern: "/v2/app_clients", role: "personal", handler: list },
  { method: "GET", pattern: "/v2/app_clients/:app_client_id", role: "personal", handler: get },
  { method: "PATCH", pattern: "/v2/app_clients/:app_client_id", role: "personal", handler: update },
  {
    method: "DELETE",
    pattern: "/v2/app_clients/:app_client_id",
    role: "personal",
    handler: remove,
  },
];
