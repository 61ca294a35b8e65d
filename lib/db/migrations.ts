import "server-only";
import type { SqlDriver } from "./driver";

/**
 * Versioned schema changes, applied in order, each recorded in
 * `schema_migrations`. Statements are plain portable SQL, one per string, so a
 * Postgres driver can run the same list: timestamps are epoch milliseconds in
 * BIGINT columns (INTEGER affinity in SQLite; 32-bit INTEGER in Postgres would
 * overflow), JSON is TEXT.
 */
export interface Migration {
  version: number;
  name: string;
  statements: readonly string[];
  /**
   * Run the statements only on this database; elsewhere the version is recorded
   * with nothing to do. For fixing what one engine got wrong, never for features.
   */
  only?: SqlDriver["dialect"];
}

export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: "chats, turns, feedback, rate limits",
    statements: [
      `CREATE TABLE chats (
        chat_id TEXT PRIMARY KEY,
        owner_id TEXT NOT NULL,
        title TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL
      )`,
      "CREATE INDEX chats_owner_updated ON chats (owner_id, updated_at DESC, chat_id DESC)",
      `CREATE TABLE turns (
        turn_id TEXT PRIMARY KEY,
        chat_id TEXT NOT NULL REFERENCES chats (chat_id) ON DELETE CASCADE,
        query TEXT NOT NULL,
        answer TEXT NOT NULL,
        rephrased_query TEXT,
        citations TEXT NOT NULL,
        fcs REAL,
        status TEXT NOT NULL CHECK (status IN ('complete', 'stopped', 'error')),
        created_at BIGINT NOT NULL
      )`,
      "CREATE INDEX turns_chat ON turns (chat_id)",
      `CREATE TABLE feedback (
        turn_id TEXT PRIMARY KEY,
        chat_id TEXT NOT NULL REFERENCES chats (chat_id) ON DELETE CASCADE,
        owner_id TEXT NOT NULL,
        rating TEXT NOT NULL CHECK (rating IN ('up', 'down')),
        reason TEXT,
        updated_at BIGINT NOT NULL
      )`,
      "CREATE INDEX feedback_chat ON feedback (chat_id)",
      `CREATE TABLE rate_limits (
        key TEXT NOT NULL,
        window_start BIGINT NOT NULL,
        count INTEGER NOT NULL,
        PRIMARY KEY (key, window_start)
      )`,
    ],
  },
  {
    version: 2,
    name: "staff: users, sessions, reviews, notes, audit log; reports and timings",
    statements: [
      // Emails are stored lowercased; booleans are 0/1 integers, which both databases read.
      `CREATE TABLE users (
        user_id TEXT PRIMARY KEY,
        email TEXT NOT NULL UNIQUE,
        password_hash TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('agent', 'moderator', 'admin')),
        disabled INTEGER NOT NULL DEFAULT 0,
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL
      )`,
      // Only a hash of each session token is kept: a leaked database holds no live session.
      `CREATE TABLE staff_sessions (
        session_hash TEXT PRIMARY KEY,
        user_id TEXT NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
        created_at BIGINT NOT NULL,
        last_seen_at BIGINT NOT NULL,
        expires_at BIGINT NOT NULL
      )`,
      "CREATE INDEX staff_sessions_user ON staff_sessions (user_id)",
      // Reviews, notes and audit entries may concern chats Parley did not start (any
      // Vectara client can create chats), so they do not reference the chats table.
      `CREATE TABLE chat_reviews (
        chat_id TEXT PRIMARY KEY,
        status TEXT NOT NULL CHECK (status IN ('open', 'reviewed', 'escalated')),
        assignee_id TEXT REFERENCES users (user_id) ON DELETE SET NULL,
        updated_by TEXT,
        updated_at BIGINT NOT NULL
      )`,
      `CREATE TABLE notes (
        note_id TEXT PRIMARY KEY,
        chat_id TEXT NOT NULL,
        author_id TEXT NOT NULL,
        author_email TEXT NOT NULL,
        body TEXT NOT NULL,
        created_at BIGINT NOT NULL
      )`,
      "CREATE INDEX notes_chat ON notes (chat_id, created_at)",
      `CREATE TABLE audit_log (
        audit_id TEXT PRIMARY KEY,
        actor_id TEXT NOT NULL,
        actor_email TEXT NOT NULL,
        action TEXT NOT NULL,
        chat_id TEXT,
        turn_ids TEXT NOT NULL,
        reason TEXT NOT NULL,
        prior_state TEXT NOT NULL,
        created_at BIGINT NOT NULL
      )`,
      "CREATE INDEX audit_log_created ON audit_log (created_at DESC, audit_id DESC)",
      "CREATE INDEX audit_log_chat ON audit_log (chat_id)",
      // A visitor can report an answer to the support team along with a thumbs-down.
      "ALTER TABLE feedback ADD COLUMN reported INTEGER NOT NULL DEFAULT 0",
      // How long the answer took: to its first token and to its end, as Parley saw it.
      "ALTER TABLE turns ADD COLUMN first_token_ms INTEGER",
      "ALTER TABLE turns ADD COLUMN total_ms INTEGER",
    ],
  },
  {
    version: 3,
    name: "turns.fcs as a double on Postgres",
    // REAL is an 8-byte float in SQLite but a 4-byte one in Postgres, which would
    // round scores to ~7 digits. SQLite's column is already a double.
    only: "postgres",
    statements: ["ALTER TABLE turns ALTER COLUMN fcs TYPE DOUBLE PRECISION"],
  },
  {
    version: 4,
    name: "rate_limits: index for sweeping expired windows",
    statements: ["CREATE INDEX rate_limits_window ON rate_limits (window_start)"],
  },
  {
    version: 5,
    name: "login_failures: failed sign-ins with growing delays",
    // One row per key (an account and address pair, or an address): its failures, the
    // last one's time and the end of its current block (lib/db/login-failures.ts).
    statements: [
      `CREATE TABLE login_failures (
        key TEXT PRIMARY KEY,
        failures INTEGER NOT NULL,
        last_failure_at BIGINT NOT NULL,
        blocked_until BIGINT NOT NULL
      )`,
      "CREATE INDEX login_failures_last ON login_failures (last_failure_at)",
    ],
  },
  {
    version: 6,
    name: "chats: newest-first index for the staff word search",
    // The word search (lib/db/search.ts) walks chats newest first and looks at a bounded
    // window of them per request; this index lets it without sorting every chat.
    statements: ["CREATE INDEX chats_created ON chats (created_at DESC, chat_id DESC)"],
  },
  {
    version: 8,
    name: "turns.shown_chars: where the visitor stopped an answer",
    // Set when the visitor stops an answer: how many characters of it they had seen. The
    // stored answer is cut there, whichever of the stop and the answer's record comes first.
    statements: ["ALTER TABLE turns ADD COLUMN shown_chars INTEGER"],
  },
  {
    version: 9,
    name: "handoffs: a visitor's request to reach a person",
    // One per chat (lib/db/handoffs.ts): the visitor's email and message, staff-only, gone
    // with the chat. The state index serves the triage queue's read of the active ones.
    statements: [
      `CREATE TABLE handoffs (
        handoff_id TEXT PRIMARY KEY,
        chat_id TEXT NOT NULL UNIQUE REFERENCES chats (chat_id) ON DELETE CASCADE,
        owner_id TEXT NOT NULL,
        email TEXT NOT NULL,
        message TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('open', 'contacted', 'closed')),
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL,
        updated_by TEXT
      )`,
      "CREATE INDEX handoffs_state ON handoffs (state, created_at)",
    ],
  },
  {
    version: 10,
    name: "answer_streams: answers being streamed, kept for a visitor who reloads",
    // An answer's UI message chunks, in batches, while it streams and a few minutes after
    // (lib/db/answer-streams.ts): any instance can replay it to a reloaded page, and a Stop
    // on one instance reaches the answer generated on another (stop_requested).
    statements: [
      `CREATE TABLE answer_streams (
        stream_id TEXT PRIMARY KEY,
        chat_id TEXT NOT NULL,
        owner_id TEXT NOT NULL,
        status TEXT NOT NULL,
        stop_requested INTEGER NOT NULL DEFAULT 0,
        batches INTEGER NOT NULL DEFAULT 0,
        bytes INTEGER NOT NULL DEFAULT 0,
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL,
        ended_at BIGINT
      )`,
      "CREATE INDEX answer_streams_chat ON answer_streams (chat_id, created_at)",
      "CREATE INDEX answer_streams_updated ON answer_streams (updated_at)",
      `CREATE TABLE answer_stream_batches (
        stream_id TEXT NOT NULL,
        seq INTEGER NOT NULL,
        chunks TEXT NOT NULL,
        PRIMARY KEY (stream_id, seq)
      )`,
    ],
  },
  {
    version: 11,
    name: "insights: turns.cited; turns and feedback by time",
    // The staff insights (lib/db/insights.ts) read a period of turns by created_at, and of
    // feedback by when it was given. turns.cited (1 or 0) is whether the answer cites a
    // source, stored with the turn (lib/db/turns.ts); NULL for turns stored before, which
    // the insights judge from the answer itself. The turns index carries everything the
    // series count, so they never read a turn's row (in SQLite its status and score sit
    // after the stored citations, often on overflow pages).
    statements: [
      "ALTER TABLE turns ADD COLUMN cited INTEGER",
      "CREATE INDEX turns_created ON turns (created_at, status, cited, fcs, first_token_ms)",
      "CREATE INDEX feedback_updated ON feedback (updated_at, rating)",
    ],
  },
];

/** Held by the migration transaction on Postgres, so instances starting together take turns. */
const MIGRATION_LOCK =
  "SELECT pg_advisory_xact_lock(hashtext('parley:migrations'), hashtext(current_schema()))";

/**
 * Applies the pending migrations in one transaction: either the schema moves to
 * the latest version or it stays where it was. Safe to call on every open.
 */
export async function runMigrations({
  db,
  list = migrations,
  now = Date.now(),
}: {
  db: SqlDriver;
  list?: readonly Migration[];
  now?: number;
}): Promise<{ applied: number[] }> {
  return db.transaction(async (tx) => {
    // Before anything else: CREATE TABLE IF NOT EXISTS itself races on Postgres.
    if (tx.dialect === "postgres") await tx.run(MIGRATION_LOCK);
    await tx.run(
      "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)",
    );
    const rows = await tx.all<{ version: number | string }>(
      "SELECT version FROM schema_migrations",
    );
    const done = new Set(rows.map((r) => Number(r.version)));
    const applied: number[] = [];
    for (const m of [...list].sort((a, b) => a.version - b.version)) {
      if (done.has(m.version)) continue;
      if (!m.only || m.only === tx.dialect) {
        for (const sql of m.statements) await tx.run(sql);
      }
      await tx.run("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)", [
        m.version,
        m.name,
        now,
      ]);
      applied.push(m.version);
    }
    return { applied };
  });
}
