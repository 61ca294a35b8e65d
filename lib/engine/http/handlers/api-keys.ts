import { z } from "zod";
import { errors } from "../../core/errors";
import {
  type ApiKeyRow,
  createApiKey,
  deleteApiKey,
  getApiKeyById,
  listApiKeys,
  setApiKeyEnabled,
} from "../../store/keys";
import { type Ctx, type Route, readJson } from "../context";
import { json, noContent } from "../respond";
import { corpusKeySchema } from "../schemas/corpora";

const createSchema = z
  .object({
    name: z.string().min(1).max(200),
    api_key_role: z.enum(["serving", "serving_and_indexing", "personal"]),
    corpus_keys: z.array(corpusKeySchema).max(100).nullish(),
  })
  .superRefine((v, ctx) => {
    if (v.api_key_role === "personal" && v.corpus_keys) {
      ctx.addIssue({
        code: "custom",
        path: ["corpus_keys"],
        message: "must be null for a personal key",
      });
    }
  });

const toWire = (k: ApiKeyRow, secret?: string) => ({
  id: k.id,
  name: k.name,
  ...(secret ? { secret_key: secret } : {}),
  enabled: k.enabled,
  api_key_role: k.role,
  api_policy: { corpus_keys: k.corpusKeys ?? undefined },
});

async function create(ctx: Ctx) {
  const body = await readJson(ctx, createSchema);
  const { key, secret } = createApiKey(ctx.db, {
    name: body.name,
    role: body.api_key_role,
    corpusKeys: body.corpus_keys ?? null,
  });
  return json(201, toWire(key, secret));
}

function list(ctx: Ctx) {
  return json(200, { api_keys: listApiKeys(ctx.db).map((k) => toWire(k)), metadata: {} });
}

function requireKey(ctx: Ctx): ApiKeyRow {
  const id = ctx.params.api_key_id ?? "";
  const key = getApiKeyById(ctx.db, id);
  if (!key) throw errors.notFound("API key", id);
  return key;
}

function get(ctx: Ctx) {
  return json(200, toWire(requireKey(ctx)));
}

async function update(ctx: Ctx) {
  const key = requireKey(ctx);
  const body = await readJson(ctx, z.object({ enabled: z.boolean() }));
  setApiKeyEnabled(ctx.db, key.id, body.enabled);
  return json(200, toWire(requireKey(ctx)));
}

function remove(ctx: Ctx) {
  if (!deleteApiKey(ctx.db, requireKey(ctx).id))
    throw errors.notFound("API key", ctx.params.api_key_id ?? "");
  return noContent();
}

export const apiKeyRoutes: Route[] = [
  { method: "POST", pattern: "/v2/api_keys", role: "personal", handler: create },
  { method: "GET", pattern: "/v2/api_keys", role: "personal", handler: list },
  { method: "GET", pattern: "/v2/api_keys/:api_key_id", role: "personal", handler: get },
  { method: "PATCH", pattern: "/v2/api_keys/:api_key_id", role: "personal", handler: update },
  { method: "DELETE", pattern: "/v2/api_keys/:api_key_id", role: "personal", handler: remove },
];
