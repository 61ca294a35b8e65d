import "server-only";
import { randomUUID } from "node:crypto";
import {
  getAppDb,
  getHandoffByChatId,
  type Handoff,
  hitRateLimitByKey,
  requestHandoffByChatId,
} from "@/lib/db";
import { addressLimitKey } from "@/lib/http/client-address";
import { AppError } from "@/lib/http/errors";
import { getLogger } from "@/lib/observability/log";
import { getOwnedChat } from "./conversations";
import type { HandoffRequest, HandoffStatus } from "./handoff-schema";

/**
 * The visitor's side of a handoff ("Talk to a person"): asking for one in their own chat
 * and reading its state. What goes back to the visitor is `HandoffStatus`: the state and
 * times, never the email, which only staff see (lib/staff/review.ts).
 */

/** Requests per visitor, and per client address, in `HANDOFF_WINDOW_MS`. */
const HANDOFF_LIMITS = { visitor: 5, address: 20 };
const HANDOFF_WINDOW_MS = 10 * 60_000;

export function toHandoffStatus(h: Handoff): HandoffStatus {
  return {
    state: h.state,
    requestedAt: new Date(h.createdAt).toISOString(),
    updatedAt: new Date(h.updatedAt).toISOString(),
  };
}

/** The chat's handoff state for its owner; undefined when the visitor does not own the chat. */
export async function getHandoffStatus({
  visitorId,
  chatId,
}: {
  visitorId: string;
  chatId: string;
}): Promise<{ handoff: HandoffStatus | null } | undefined> {
  if (!(await getOwnedChat({ visitorId, chatId }))) return undefined;
  const handoff = await getHandoffByChatId({ db: await getAppDb(), chatId });
  return { handoff: handoff ? toHandoffStatus(handoff) : null };
}

/**
 * Asks for a person in the visitor's own chat: a new request, or (asking again) the
 * same one with the new contact and message, open again. Undefined when the visitor does
 * not own the chat; an AppError when they asked too often.
 */
export async function requestHandoff({
  visitorId,
  address,
  chatId,
  request,
  now = Date.now(),
}: {
  visitorId: string;
  /** The client's address (`requestClientAddress`). */
  address: string;
  chatId: string;
  request: HandoffRequest;
  now?: number;
}): Promise<{ error: AppError } | { status: HandoffStatus; created: boolean } | undefined> {
  if (!(await getOwnedChat({ visitorId, chatId }))) return undefined;
  const db = await getAppDb();
  const limits = [
    { key: `handoff:${visitorId}`, limit: HANDOFF_LIMITS.visitor },
    { key: `handoff-ip:${addressLimitKey(address)}`, limit: HANDOFF_LIMITS.address },
  ];
  let waitMs = 0;
  for (const { key, limit } of limits) {
    const hit = await hitRateLimitByKey({ db, key, limit, windowMs: HANDOFF_WINDOW_MS, now });
    if (!hit.allowed) waitMs = Math.max(waitMs, hit.retryAfterMs);
  }
  if (waitMs > 0) {
    const minutes = Math.max(1, Math.ceil(waitMs / 60_000));
    return {
      error: new AppError(
        "rate_limit:chat",
        `You've asked for a person several times already. Please wait ${minutes} minute${minutes === 1 ? "" : "s"} and try again.`,
        { retryAfter: Math.ceil(waitMs / 1000) },
      ),
    };
  }
  const { handoff, created } = await requestHandoffByChatId({
    db,
    handoffId: `hof_${randomUUID()}`,
    chatId,
    ownerId: visitorId,
    email: request.email,
    message: request.message,
    now,
  });
  // Never the email or the message: the log is read by more people than the console.
  getLogger().info({ chat_id: chatId, created }, "handoff requested");
  return { status: toHandoffStatus(handoff), created };
}
