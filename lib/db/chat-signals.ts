import "server-only";
import { z } from "zod";
import type { SqlDriver } from "./driver";
import { epochMs } from "./rows";

/**
 * What the staff triage queue ranks chats on: one read across `chats`, `turns`,
 * `feedback` and `audit_log`.
 */

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
