import "server-only";
import { z } from "zod";
import type { SqlDriver } from "./driver";
import { epochMs } from "./rows";

/**
 * The moderation audit log, in `audit_log`: what staff did, to which chat and turns,
 * why, and what things were before. Keyed by Vectara chat id, without a reference to
 * the chats table: staff moderate every chat, including ones Parley did not start.
 */

export interface AuditEntry {
  auditId: string;
  actorId: string;
  actorEmail: string;
  action: "disable_turns";
  chatId: string | null;
  turnIds: string[];
  reason: string;
  /** What the affected things were before: e.g. each turn's `enabled` flag. */
  priorState: Record<string, unknown>;
  createdAt: number;
}

const jsonText = <T extends z.ZodType>(schema: T) =>
  z.string().transform((text, ctx): z.infer<T> => {
    try {
      return schema.parse(JSON.parse(text));
    } catch {
      ctx.addIssue({ code: "custom", message: "not the JSON this column holds" });
      return z.NEVER;
    }
  });

const auditRow = z
  .object({
    audit_id: z.string(),
    actor_id: z.string(),
    actor_email: z.string(),
    action: z.literal("disable_turns"),
    chat_id: z.string().nullable(),
    turn_ids: jsonText(z.array(z.string())),
    reason: z.string(),
    prior_state: jsonText(z.record(z.string(), z.unknown())),
    created_at: epochMs,
  })
  .transform(
    (r): AuditEntry => ({
      auditId: r.audit_id,
      actorId: r.actor_id,
      actorEmail: r.actor_email,
      action: r.action,
      chatId: r.chat_id,
      turnIds: r.turn_ids,
      reason: r.reason,
      priorState: r.prior_state,
      createdAt: r.created_at,
    }),
  );

const AUDIT_COLUMNS =
  "audit_id, actor_id, actor_email, action, chat_id, turn_ids, reason, prior_state, created_at";

export async function addAuditEntry({
  db,
  entry,
}: {
  db: SqlDriver;
  entry: AuditEntry;
}): Promise<void> {
  await db.run(`INSERT INTO audit_log (${AUDIT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, [
    entry.auditId,
    entry.actorId,
    entry.actorEmail,
    entry.action,
    entry.chatId,
    JSON.stringify(entry.turnIds),
    entry.reason,
    JSON.stringify(entry.priorState),
    entry.createdAt,
  ]);
}

export class InvalidAuditCursorError extends Error {
  override name = "InvalidAuditCursorError";
}

const auditCursor = z.tuple([z.number().int(), z.string().min(1)]);

/**
 * Newest first, a page at a time. Filters: one chat, an actor's email (exact,
 * case-insensitive) and a word in the reason.
 */
export async function listAuditEntries({
  db,
  chatId,
  actorEmail,
  reasonContains,
  limit,
  cursor,
}: {
  db: SqlDriver;
  chatId?: string;
  actorEmail?: string;
  reasonContains?: string;
  limit: number;
  cursor?: string;
}): Promise<{ entries: AuditEntry[]; nextCursor: string | null }> {
  const where: string[] = [];
  const params: (string | number)[] = [];
  if (chatId) {
    where.push("chat_id = ?");
    params.push(chatId);
  }
  if (actorEmail) {
    where.push("LOWER(actor_email) = ?");
    params.push(actorEmail.trim().toLowerCase());
  }
  if (reasonContains) {
    // LIKE with the wildcards escaped: the text is matched literally.
    where.push("LOWER(reason) LIKE ? ESCAPE '\\'");
    params.push(`%${reasonContains.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
  }
  if (cursor) {
    let position: [number, string];
    try {
      position = auditCursor.parse(JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")));
    } catch {
      throw new InvalidAuditCursorError("not an audit cursor");
    }
    where.push("(created_at < ? OR (created_at = ? AND audit_id < ?))");
    params.push(position[0], position[0], position[1]);
  }
  const rows = await db.all(
    `SELECT ${AUDIT_COLUMNS} FROM audit_log ${where.length ? `WHERE ${where.join(" AND ")}` : ""}
     ORDER BY created_at DESC, audit_id DESC LIMIT ?`,
    [...params, limit + 1],
  );
  const entries = rows.slice(0, limit).map((r) => auditRow.parse(r));
  const last = entries.at(-1);
  const nextCursor =
    rows.length > limit && last
      ? Buffer.from(JSON.stringify([last.createdAt, last.auditId])).toString("base64url")
      : null;
  return { entries, nextCursor };
}
