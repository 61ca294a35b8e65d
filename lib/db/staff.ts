import "server-only";
import { z } from "zod";
import type { SqlDriver } from "./driver";

/**
 * What staff add to conversations: review status and assignment, internal notes,
 * and the moderation audit log. Keyed by Vectara chat id, without a reference to
 * the chats table: staff review every chat, including ones Parley did not start.
 */

const epochMs = z.coerce.number().int();

export type ReviewStatus = "open" | "reviewed" | "escalated";

export interface ChatReview {
  chatId: string;
  status: ReviewStatus;
  assigneeId: string | null;
  assigneeEmail: string | null;
  updatedBy: string | null;
  updatedAt: number;
}

const reviewRow = z
  .object({
    chat_id: z.string(),
    status: z.enum(["open", "reviewed", "escalated"]),
    assignee_id: z.string().nullable(),
    assignee_email: z.string().nullable(),
    updated_by: z.string().nullable(),
    updated_at: epochMs,
  })
  .transform(
    (r): ChatReview => ({
      chatId: r.chat_id,
      status: r.status,
      assigneeId: r.assignee_id,
      assigneeEmail: r.assignee_email,
      updatedBy: r.updated_by,
      updatedAt: r.updated_at,
    }),
  );

const REVIEW_SELECT = `SELECT r.chat_id, r.status, r.assignee_id, u.email AS assignee_email, r.updated_by, r.updated_at
  FROM chat_reviews r LEFT JOIN users u ON u.user_id = r.assignee_id`;

/** Reviews of the given chats; a chat nobody reviewed yet has none (it is "open"). */
export async function listChatReviewsByChatIds({
  db,
  chatIds,
}: {
  db: SqlDriver;
  chatIds: readonly string[];
}): Promise<Map<string, ChatReview>> {
  if (chatIds.length === 0) return new Map();
  const rows = await db.all(
    `${REVIEW_SELECT} WHERE r.chat_id IN (${chatIds.map(() => "?").join(", ")})`,
    chatIds,
  );
  return new Map(rows.map((r) => reviewRow.parse(r)).map((r) => [r.chatId, r]));
}

export async function setChatReviewByChatId({
  db,
  chatId,
  status,
  assigneeId,
  updatedBy,
  now,
}: {
  db: SqlDriver;
  chatId: string;
  status: ReviewStatus;
  assigneeId: string | null;
  updatedBy: string;
  now: number;
}): Promise<void> {
  await db.run(
    `INSERT INTO chat_reviews (chat_id, status, assignee_id, updated_by, updated_at)
     VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (chat_id) DO UPDATE SET status = excluded.status,
       assignee_id = excluded.assignee_id, updated_by = excluded.updated_by,
       updated_at = excluded.updated_at`,
    [chatId, status, assigneeId, updatedBy, now],
  );
}

export interface Note {
  noteId: string;
  chatId: string;
  authorId: string;
  authorEmail: string;
  body: string;
  createdAt: number;
}

const noteRow = z
  .object({
    note_id: z.string(),
    chat_id: z.string(),
    author_id: z.string(),
    author_email: z.string(),
    body: z.string(),
    created_at: epochMs,
  })
  .transform(
    (r): Note => ({
      noteId: r.note_id,
      chatId: r.chat_id,
      authorId: r.author_id,
      authorEmail: r.author_email,
      body: r.body,
      createdAt: r.created_at,
    }),
  );

export async function addNoteByChatId({ db, note }: { db: SqlDriver; note: Note }): Promise<void> {
  await db.run(
    `INSERT INTO notes (note_id, chat_id, author_id, author_email, body, created_at)
     VALUES (?, ?, ?, ?, ?, ?)`,
    [note.noteId, note.chatId, note.authorId, note.authorEmail, note.body, note.createdAt],
  );
}

/** Oldest first, as a thread reads. */
export async function listNotesByChatId({
  db,
  chatId,
}: {
  db: SqlDriver;
  chatId: string;
}): Promise<Note[]> {
  const rows = await db.all(
    `SELECT note_id, chat_id, author_id, author_email, body, created_at FROM notes
     WHERE chat_id = ? ORDER BY created_at ASC, note_id ASC`,
    [chatId],
  );
  return rows.map((r) => noteRow.parse(r));
}

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

/** Per chat: what the triage queue ranks on. Chats Parley never stored a turn for are absent. */
export interface ChatSignals {
  chatId: string;
  ownerId: string;
  title: string;
  updatedAt: number;
  /** The latest of the chat's last turn and its last feedback: what a review must postdate. */
  lastActivityAt: number;
  turns: number;
  lowestFcs: number | null;
  /** Answers whose text cites no source. */
  uncitedAnswers: number;
  downvotes: number;
  upvotes: number;
  reported: number;
  moderations: number;
}

/**
 * Signals of the given chats, or (without `chatIds`) of the `recent` most recently
 * active chats. Answers are scanned for citation markers here, so the rule is the
 * same as the UI's.
 */
export async function listChatSignals({
  db,
  chatIds,
  recent = 500,
  isCited,
}: {
  db: SqlDriver;
  chatIds?: readonly string[];
  recent?: number;
  isCited: (answer: string) => boolean;
}): Promise<Map<string, ChatSignals>> {
  if (chatIds && chatIds.length === 0) return new Map();
  const chatRows = z
    .array(
      z.object({
        chat_id: z.string(),
        owner_id: z.string(),
        title: z.string(),
        updated_at: epochMs,
      }),
    )
    .parse(
      chatIds
        ? await db.all(
            `SELECT chat_id, owner_id, title, updated_at FROM chats
             WHERE chat_id IN (${chatIds.map(() => "?").join(", ")})`,
            chatIds,
          )
        : await db.all(
            `SELECT chat_id, owner_id, title, updated_at FROM chats
             ORDER BY updated_at DESC, chat_id DESC LIMIT ?`,
            [recent],
          ),
    );
  const out = new Map<string, ChatSignals>();
  for (const c of chatRows) {
    out.set(c.chat_id, {
      chatId: c.chat_id,
      ownerId: c.owner_id,
      title: c.title,
      updatedAt: c.updated_at,
      lastActivityAt: c.updated_at,
      turns: 0,
      lowestFcs: null,
      uncitedAnswers: 0,
      downvotes: 0,
      upvotes: 0,
      reported: 0,
      moderations: 0,
    });
  }
  const ids = [...out.keys()];
  if (ids.length === 0) return out;
  const marks = ids.map(() => "?").join(", ");
  const turns = z
    .array(z.object({ chat_id: z.string(), answer: z.string(), fcs: z.coerce.number().nullable() }))
    .parse(
      // Only answers that completed: a stopped or interrupted turn is not an answer to triage.
      await db.all(
        `SELECT chat_id, answer, fcs FROM turns WHERE chat_id IN (${marks}) AND status = 'complete'`,
        ids,
      ),
    );
  for (const t of turns) {
    const s = out.get(t.chat_id);
    if (!s) continue;
    s.turns++;
    if (t.fcs !== null) s.lowestFcs = s.lowestFcs === null ? t.fcs : Math.min(s.lowestFcs, t.fcs);
    if (!isCited(t.answer)) s.uncitedAnswers++;
  }
  const feedback = z
    .array(
      z.object({
        chat_id: z.string(),
        rating: z.enum(["up", "down"]),
        reported: z.coerce.number(),
        updated_at: epochMs,
      }),
    )
    .parse(
      await db.all(
        `SELECT chat_id, rating, reported, updated_at FROM feedback WHERE chat_id IN (${marks})`,
        ids,
      ),
    );
  for (const f of feedback) {
    const s = out.get(f.chat_id);
    if (!s) continue;
    s.lastActivityAt = Math.max(s.lastActivityAt, f.updated_at);
    if (f.rating === "down") s.downvotes++;
    else s.upvotes++;
    if (f.reported) s.reported++;
  }
  const audits = z
    .array(z.object({ chat_id: z.string(), n: z.coerce.number() }))
    .parse(
      await db.all(
        `SELECT chat_id, COUNT(*) AS n FROM audit_log WHERE chat_id IN (${marks}) GROUP BY chat_id`,
        ids,
      ),
    );
  for (const a of audits) {
    const s = out.get(a.chat_id);
    if (s) s.moderations = a.n;
  }
  return out;
}
