import { AsyncLocalStorage } from "node:async_hooks";
import { createHash, randomUUID } from "node:crypto";

/**
 * What Parley knows about the request being served, for its log line (`http.ts`): the
 * request id, and what route handlers add to it (the hashed visitor or staff id, the
 * upstream's status). Kept in one AsyncLocalStorage on globalThis, because the server's
 * bundle and Next's bundles each load this module: all must share one store.
 */
export interface RequestContext {
  requestId: string;
  /** sha256 of the visitor's id, first 12 hex characters; never the id or cookie itself. */
  visitor?: string;
  /** sha256 of the staff user's id, first 12 hex characters. */
  staff?: string;
  /** The status of the last Vectara or engine call this request made. */
  upstreamStatus?: number;
}

const KEY = Symbol.for("parley.requestContext");
const shared = globalThis as typeof globalThis & {
  [KEY]?: AsyncLocalStorage<RequestContext>;
};
shared[KEY] ??= new AsyncLocalStorage<RequestContext>();
const storage: AsyncLocalStorage<RequestContext> = shared[KEY];

/** Runs `fn` with `context` as the current request's. */
export function runWithRequestContext<T>(context: RequestContext, fn: () => T): T {
  return storage.run(context, fn);
}

/** The current request's context; undefined outside a request (start-up, seeding). */
export function currentRequestContext(): RequestContext | undefined {
  return storage.getStore();
}

/** The current request's id, when there is a request. */
export function currentRequestId(): string | undefined {
  return storage.getStore()?.requestId;
}

/** Adds what a route handler learned to the current request's log line. */
export function annotateRequest(facts: {
  visitorId?: string;
  staffId?: string;
  upstreamStatus?: number;
}): void {
  const context = storage.getStore();
  if (!context) return;
  if (facts.visitorId) context.visitor = hashId(facts.visitorId);
  if (facts.staffId) context.staff = hashId(facts.staffId);
  if (facts.upstreamStatus !== undefined) context.upstreamStatus = facts.upstreamStatus;
}

/** A stable, non-reversible handle for an id in logs: sha256, first 12 hex characters. */
export function hashId(id: string): string {
  return createHash("sha256").update(id).digest("hex").slice(0, 12);
}

const SANE_REQUEST_ID = /^[A-Za-z0-9._-]{1,100}$/;

/** The client's `x-request-id` when it is sane (≤ 100 of [A-Za-z0-9._-]); a new one otherwise. */
export function requestIdFrom(incoming: string | string[] | undefined): string {
  return typeof incoming === "string" && SANE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
}
