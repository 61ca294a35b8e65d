import "server-only";
import { randomUUID } from "node:crypto";
import { RE2JS } from "re2js";
import type { StaffUser } from "@/lib/auth/staff";
import { citationSchema } from "@/lib/chat/citations";
import { citedIndexes } from "@/lib/chat/cited";
import type { Citation } from "@/lib/chat/messages";
import { fcsLevel, type ScoreThresholds } from "@/lib/chat/score-levels";
import { getConfig } from "@/lib/config";
import {
  addNoteByChatId,
  type ChatReview,
  type ChatSignals,
  getAppDb,
  getHandoffByChatId,
  getUserByUserId,
  type Handoff,
  type HandoffState,
  InvalidCursorError,
  listActiveHandoffs,
  listChatReviewsByChatIds,
  listChatSignals,
  listFeedbackByChatId,
  listHandoffsByChatIds,
  listNotesByChatId,
  listTurnsByChatId,
  type Note,
  type ReviewStatus,
  setChatReviewByChatId,
  setHandoffStateByChatId,
} from "@/lib/db";
import { parseSearchWords, searchChatsByWords } from "@/lib/db/search";
import { regexCostProblem } from "@/lib/engine/core/regex-cost";
import { AppError } from "@/lib/http/errors";
import { getLogger } from "@/lib/observability/log";
import { type Chat, NotFoundError, type Turn, type VectaraClient } from "@/lib/vectara";
import { loadTurnHistories, type TurnHistory } from "./query-history";
import { explainRegexError, type Re2SyntaxError } from "./regex-explain";
import type { ChatFlag, StaffChatRow, StaffHandoff } from "./types";

/**
 * The support agents' view of every conversation: Vectara's chats, with what Parley
 * knows beside them (owner, scores, citations, feedback, reports, review status,
 * moderation). Staff routes and pages call these; role checks happen before.
 */

export type { ChatFlag, StaffChatRow, StaffHandoff } from "./types";

/** What staff routes say of a conversation that does not exist. */
export const NO_SUCH_CHAT = "No such conversation.";

/**
 * A regular expression from a staff member, checked before it reaches Vectara. RE2 is
 * linear in the text, but its cost per character grows with the compiled program, so a
 * pattern the engine would refuse as too costly (a repetition count above 100, a program
 * above 1,000 instructions: `regex-cost.ts`, the engine's rule) is refused here too, with
 * its position, whichever backend serves the list.
 */
export function checkChatFilter(pattern: string): AppError | undefined {
  if (pattern.length > 500) {
    return new AppError("bad_request:staff", "The filter is longer than 500 characters.", {
      fieldErrors: { "query.filter": "at most 500 characters" },
    });
  }
  const costly = regexCostProblem(pattern);
  if (costly) {
    return new AppError("bad_request:staff", `The filter ${costly.message}.`, {
      fieldErrors: { "query.filter": costly.message },
    });
  }
  try {
    RE2JS.compile(pattern);
    return undefined;
  } catch (error) {
    // RE2's own message ("error parsing regexp: missing closing ): `(abc`") is for
    // programmers; staff get a sentence naming the character and where it is.
    const explained = explainRegexError(pattern, error as Re2SyntaxError);
    return new AppError("bad_request:staff", explained, {
      fieldErrors: { "query.filter": explained },
    });
  }
}

/** Plain words from a staff member, or the 400 that says what is wrong with them. */
export function checkSearchWords(text: string): { words: string[] } | { error: AppError } {
  const parsed = parseSearchWords(text);
  if (parsed.ok) return { words: parsed.words };
  return {
    error: new AppError("bad_request:staff", parsed.problem, {
      fieldErrors: { "query.q": parsed.problem },
    }),
  };
}

function flagsOf(
  s: ChatSignals | undefined,
  thresholds: ScoreThresholds = getConfig().scoreThresholds,
  handoff?: Handoff,
): ChatFlag[] {
  const flags: ChatFlag[] = [];
  if (handoff && handoff.state !== "closed") flags.push("handoff");
  if (!s) return flags;
  if (s.downvotes > 0) flags.push("thumbs_down");
  if (s.reported > 0) flags.push("reported");
  if (s.lowestFcs !== null && fcsLevel(s.lowestFcs, thresholds) === "low") {
    flags.push("low_score");
  }
  if (s.uncitedAnswers > 0) flags.push("uncited");
  if (s.moderations > 0) flags.push("moderated");
  return flags;
}

/**
 * Need, for the triage queue, strictly in this order of weight: a report, a
 * thumbs-down, a low score (a medium one counts a little), any answer that cites
 * nothing, earlier moderation. Escalated chats come first; a chat reviewed since its
 * last activity (a turn or a visitor's feedback) drops out.
 */
export function needOf(
  s: ChatSignals,
  review?: ChatReview,
  thresholds: ScoreThresholds = getConfig().scoreThresholds,
): number {
  if (review?.status === "reviewed" && review.updatedAt >= s.lastActivityAt) return 0;
  let need = 16 * s.reported + 8 * s.downvotes;
  if (s.lowestFcs !== null) need += SCORE_NEED[fcsLevel(s.lowestFcs, thresholds)];
  if (s.uncitedAnswers > 0) need += 2;
  if (s.moderations > 0) need += 1;
  if (review?.status === "escalated") need += 100;
  return need;
}

/**
 * What a handoff adds to a chat's need: an open one tops the queue, above every other
 * signal (escalation included); a contacted one stays high until it is closed; a closed
 * one adds nothing, so the chat drops back to its own need.
 */
export function handoffNeedOf(state: HandoffState | undefined): number {
  return state === "open" ? HANDOFF_NEED.open : state === "contacted" ? HANDOFF_NEED.contacted : 0;
}

const HANDOFF_NEED = { open: 10_000, contacted: 1_000 } as const;

/** A low score weighs 4 in the triage queue, a medium one 1 (FCS_LOW/HIGH_THRESHOLD). */
const SCORE_NEED = { low: 4, medium: 1, high: 0 } as const;

const isCited = (answer: string) => citedIndexes(answer).length > 0;

export function toStaffHandoff(h: Handoff): StaffHandoff {
  return {
    state: h.state,
    email: h.email,
    message: h.message,
    requestedAt: new Date(h.createdAt).toISOString(),
    updatedAt: new Date(h.updatedAt).toISOString(),
    updatedBy: h.updatedBy,
  };
}

function toRow(
  chat: Pick<Chat, "id" | "firstQuery" | "firstAnswer" | "createdAt">,
  signals: ChatSignals | undefined,
  review: ChatReview | undefined,
  handoff: Handoff | undefined,
): StaffChatRow {
  return {
    chatId: chat.id,
    firstQuery: chat.firstQuery,
    firstAnswer: chat.firstAnswer.slice(0, 280),
    createdAt: chat.createdAt ?? null,
    turns: signals?.turns ?? null,
    ownerId: signals?.ownerId ?? null,
    lowestFcs: signals?.lowestFcs ?? null,
    feedback: {
      up: signals?.upvotes ?? 0,
      down: signals?.downvotes ?? 0,
      reported: signals?.reported ?? 0,
    },
    flags: flagsOf(signals, undefined, handoff),
    review: { status: review?.status ?? "open", assigneeEmail: review?.assigneeEmail ?? null },
    handoff: handoff ? toStaffHandoff(handoff) : null,
    need: (signals ? needOf(signals, review) : 0) + handoffNeedOf(handoff?.state),
  };
}

async function annotate(chats: Chat[]): Promise<StaffChatRow[]> {
  const db = await getAppDb();
  const ids = chats.map((c) => c.id);
  const [signals, reviews, handoffs] = await Promise.all([
    listChatSignals({ db, chatIds: ids, isCited }),
    listChatReviewsByChatIds({ db, chatIds: ids }),
    listHandoffsByChatIds({ db, chatIds: ids }),
  ]);
  return chats.map((c) => toRow(c, signals.get(c.id), reviews.get(c.id), handoffs.get(c.id)));
}

/**
 * All conversations, newest first, from Vectara's chat list: a page at a time. With a
 * filter a page may be short or even empty and still have a next page: the engine
 * bounds the work of one request and says where to go on.
 */
export async function listStaffConversations({
  filter,
  chatIds,
  pageKey,
  limit = 25,
  client,
}: {
  filter?: string;
  chatIds?: string[];
  pageKey?: string;
  limit?: number;
  client: VectaraClient;
}): Promise<{ rows: StaffChatRow[]; nextPageKey: string | null }> {
  const page = await client.chats.list({
    limit,
    ...(filter && { filter }),
    ...(chatIds?.length && { chat_ids: chatIds }),
    ...(pageKey && { page_key: pageKey }),
  });
  return { rows: await annotate(page.items), nextPageKey: page.nextPageKey ?? null };
}

/**
 * The conversations Parley stored whose turns (questions and answers, every turn)
 * contain all the words, newest first, each with the best-matching turn's snippet.
 * Chats created directly through Vectara's API are not in the app DB, so not found here.
 * Like the filtered list, a page may be short and still have a next page.
 */
export async function searchStaffConversations({
  words,
  chatIds,
  pageKey,
  limit = 25,
  client,
}: {
  words: string[];
  chatIds?: string[];
  pageKey?: string;
  limit?: number;
  client: VectaraClient;
}): Promise<{ rows: StaffChatRow[]; nextPageKey: string | null }> {
  const db = await getAppDb();
  let found: Awaited<ReturnType<typeof searchChatsByWords>>;
  try {
    found = await searchChatsByWords({ db, words, chatIds, limit, cursor: pageKey });
  } catch (error) {
    if (!(error instanceof InvalidCursorError)) throw error;
    throw new AppError("bad_request:staff", "The page key is not valid for this search.", {
      fieldErrors: { "query.page_key": "not a page of this search" },
    });
  }
  if (found.hits.length === 0) return { rows: [], nextPageKey: found.nextCursor };
  // Vectara has the first question and answer; a chat deleted there since drops out.
  const page = await client.chats.list({ chat_ids: found.hits.map((h) => h.chatId), limit: 100 });
  const byId = new Map(page.items.map((c) => [c.id, c]));
  const present = found.hits.flatMap((hit) => {
    const chat = byId.get(hit.chatId);
    return chat ? [{ chat, hit }] : [];
  });
  const rows = await annotate(present.map((p) => p.chat));
  return {
    rows: rows.map((row, i) => ({ ...row, match: present[i]?.hit.snippet })),
    nextPageKey: found.nextCursor,
  };
}

/** The conversations that most need a look, most needy first. */
export async function listTriageQueue({
  limit = 20,
  client,
}: {
  limit?: number;
  client: VectaraClient;
}): Promise<StaffChatRow[]> {
  const db = await getAppDb();
  const [signals, active] = await Promise.all([
    listChatSignals({ db, isCited }),
    listActiveHandoffs({ db }),
  ]);
  // A chat whose visitor asked for a person is in the queue however long ago it was active.
  const older = active.map((h) => h.chatId).filter((id) => !signals.has(id));
  for (const [id, s] of await listChatSignals({ db, chatIds: older, isCited })) signals.set(id, s);
  const handoffs = await listHandoffsByChatIds({ db, chatIds: [...signals.keys()] });
  const reviews = await listChatReviewsByChatIds({ db, chatIds: [...signals.keys()] });
  const ranked = [...signals.values()]
    .map((s) => {
      const handoff = handoffs.get(s.chatId);
      return { s, need: needOf(s, reviews.get(s.chatId)) + handoffNeedOf(handoff?.state) };
    })
    .filter((x) => x.need > 0)
    .sort((a, b) => b.need - a.need || b.s.lastActivityAt - a.s.lastActivityAt)
    .slice(0, limit);
  if (ranked.length === 0) return [];
  // Vectara has the first answers; a chat deleted there since drops out of the queue.
  const page = await client.chats.list({ chat_ids: ranked.map((x) => x.s.chatId), limit: 100 });
  const byId = new Map(page.items.map((c) => [c.id, c]));
  return ranked.flatMap(({ s }) => {
    const chat = byId.get(s.chatId);
    return chat ? [toRow(chat, s, reviews.get(s.chatId), handoffs.get(s.chatId))] : [];
  });
}

export interface TranscriptTurn {
  turnId: string;
  query: string;
  answer: string;
  enabled: boolean;
  createdAt: string | null;
  rephrasedQuery: string | null;
  citations: Citation[];
  fcs: number | null;
  feedback: { rating: "up" | "down"; reason: string | null; reported: boolean } | null;
  firstTokenMs: number | null;
  totalMs: number | null;
  /** The turn's query-history record, when Vectara kept one (`query-history.ts`). */
  history: TurnHistory | null;
}

export interface Transcript {
  chat: Chat;
  ownerId: string | null;
  turns: TranscriptTurn[];
  review: { status: ReviewStatus; assigneeId: string | null; assigneeEmail: string | null };
  notes: Note[];
  /** The visitor's request for a person, with their email: staff-only. */
  handoff: StaffHandoff | null;
}

async function listAllTurns(client: VectaraClient, chatId: string): Promise<Turn[]> {
  const turns: Turn[] = [];
  for await (const turn of await client.turns.list(chatId, { limit: 100 })) turns.push(turn);
  return turns;
}

const storedCitations = citationSchema.array().catch([]);

/** One conversation for staff, disabled turns included; undefined when Vectara has no such chat. */
export async function loadTranscript({
  chatId,
  client,
}: {
  chatId: string;
  client: VectaraClient;
}): Promise<Transcript | undefined> {
  let chat: Chat;
  let turns: Turn[];
  try {
    [chat, turns] = await Promise.all([client.chats.get(chatId), listAllTurns(client, chatId)]);
  } catch (error) {
    if (error instanceof NotFoundError) return undefined;
    throw error;
  }
  const db = await getAppDb();
  const [stored, feedback, reviews, notes, signals, histories, handoff] = await Promise.all([
    listTurnsByChatId({ db, chatId }),
    listFeedbackByChatId({ db, chatId }),
    listChatReviewsByChatIds({ db, chatIds: [chatId] }),
    listNotesByChatId({ db, chatId }),
    listChatSignals({ db, chatIds: [chatId], isCited }),
    loadTurnHistories(client, chatId, turns),
    getHandoffByChatId({ db, chatId }),
  ]);
  const byTurn = new Map(stored.map((t) => [t.turnId, t]));
  const rated = new Map(feedback.map((f) => [f.turnId, f]));
  const review = reviews.get(chatId);
  return {
    chat,
    ownerId: signals.get(chatId)?.ownerId ?? null,
    turns: turns.map((t) => {
      const s = byTurn.get(t.id);
      const f = rated.get(t.id);
      return {
        turnId: t.id,
        query: t.query,
        answer: t.answer,
        enabled: t.enabled,
        createdAt: t.createdAt ?? null,
        rephrasedQuery: s?.rephrasedQuery ?? null,
        citations: storedCitations.parse(s?.citations ?? []),
        fcs: s?.fcs ?? null,
        feedback: f ? { rating: f.rating, reason: f.reason, reported: f.reported } : null,
        firstTokenMs: s?.firstTokenMs ?? null,
        totalMs: s?.totalMs ?? null,
        history: histories.get(t.id) ?? null,
      };
    }),
    review: {
      status: review?.status ?? "open",
      assigneeId: review?.assigneeId ?? null,
      assigneeEmail: review?.assigneeEmail ?? null,
    },
    notes,
    handoff: handoff ? toStaffHandoff(handoff) : null,
  };
}

/** Whether Vectara has this chat: staff may only annotate conversations that exist. */
async function chatExists(client: VectaraClient, chatId: string): Promise<boolean> {
  try {
    await client.chats.get(chatId);
    return true;
  } catch (error) {
    if (error instanceof NotFoundError) return false;
    throw error;
  }
}

/** Sets a conversation's review status; false when there is no such conversation. */
export async function setReview({
  actor,
  chatId,
  status,
  assigneeId,
  now = Date.now(),
  client,
}: {
  actor: StaffUser;
  chatId: string;
  status: ReviewStatus;
  assigneeId: string | null;
  now?: number;
  client: VectaraClient;
}): Promise<boolean> {
  if (assigneeId) {
    const assignee = await getUserByUserId({ db: await getAppDb(), userId: assigneeId });
    if (!assignee || assignee.disabled) {
      throw new AppError(
        "bad_request:staff",
        "Assign the conversation to an active staff member.",
        {
          fieldErrors: { "body.assigneeId": "not an active staff member" },
        },
      );
    }
  }
  if (!(await chatExists(client, chatId))) return false;
  await setChatReviewByChatId({
    db: await getAppDb(),
    chatId,
    status,
    assigneeId,
    updatedBy: actor.email,
    now,
  });
  return true;
}

/**
 * An agent sets a handoff's state (open, contacted, closed); undefined when the
 * conversation has no handoff. The change is kept on the handoff (who, when) and logged
 * without the contact.
 */
export async function setHandoffState({
  actor,
  chatId,
  state,
  now = Date.now(),
}: {
  actor: StaffUser;
  chatId: string;
  state: HandoffState;
  now?: number;
}): Promise<StaffHandoff | undefined> {
  const changed = await setHandoffStateByChatId({
    db: await getAppDb(),
    chatId,
    state,
    updatedBy: actor.email,
    now,
  });
  if (!changed) return undefined;
  getLogger().info(
    { chat_id: chatId, user_id: actor.userId, from: changed.before, to: state },
    "handoff state set",
  );
  return toStaffHandoff(changed.handoff);
}

/** Adds an internal note; undefined when there is no such conversation. */
export async function addNote({
  actor,
  chatId,
  body,
  now = Date.now(),
  client,
}: {
  actor: StaffUser;
  chatId: string;
  body: string;
  now?: number;
  client: VectaraClient;
}): Promise<Note | undefined> {
  if (!(await chatExists(client, chatId))) return undefined;
  const note: Note = {
    noteId: `note_${randomUUID()}`,
    chatId,
    authorId: actor.userId,
    authorEmail: actor.email,
    body,
    createdAt: now,
  };
  await addNoteByChatId({ db: await getAppDb(), note });
  return note;
}

/** The transcript as Markdown, for a ticket or an email. */
export function transcriptToMarkdown(t: Transcript): string {
  const lines = [`# Conversation ${t.chat.id}`, ""];
  if (t.chat.createdAt) lines.push(`Started: ${t.chat.createdAt}`);
  lines.push(`Owner: ${t.ownerId ?? "(not started in Parley)"}`, `Review: ${t.review.status}`, "");
  if (t.handoff) {
    lines.push(
      "## Handoff (staff only: the visitor's contact)",
      "",
      `State: ${t.handoff.state}${t.handoff.updatedBy ? ` (set by ${t.handoff.updatedBy}, ${t.handoff.updatedAt})` : ""}`,
      `Requested: ${t.handoff.requestedAt}`,
      `Email: ${t.handoff.email}`,
      `Message: ${t.handoff.message}`,
      "",
    );
  }
  t.turns.forEach((turn, i) => {
    lines.push(`## Turn ${i + 1}${turn.enabled ? "" : " (disabled by a moderator)"}`, "");
    lines.push(`**Question:** ${turn.query}`, "");
    if (turn.rephrasedQuery && turn.rephrasedQuery !== turn.query) {
      lines.push(`**Rephrased:** ${turn.rephrasedQuery}`, "");
    }
    lines.push("**Answer:**", "", turn.answer, "");
    if (turn.fcs !== null) lines.push(`Factual consistency: ${Math.round(turn.fcs * 100)}%`, "");
    if (turn.feedback) {
      lines.push(
        `Feedback: ${turn.feedback.rating === "up" ? "👍" : "👎"}${turn.feedback.reason ? ` ${turn.feedback.reason}` : ""}${turn.feedback.reported ? " (reported)" : ""}`,
        "",
      );
    }
    const cited = new Set(citedIndexes(turn.answer));
    for (const c of turn.citations.filter((c) => cited.has(c.index))) {
      lines.push(
        `- [${c.index}] ${c.title}${c.section ? ` › ${c.section}` : ""}${c.url ? ` <${c.url}>` : ""}`,
      );
    }
    lines.push("");
  });
  if (t.notes.length) {
    lines.push("## Internal notes", "");
    for (const n of t.notes) {
      lines.push(`- ${new Date(n.createdAt).toISOString()} ${n.authorEmail}: ${n.body}`);
    }
  }
  return `${lines.join("\n").trimEnd()}\n`;
}
