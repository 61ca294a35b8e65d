import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import pg from "pg";
import { answerCites, openAppDb, type SqlDriver } from "@/lib/db";
import { NO_ANSWER } from "@/lib/engine/core/generation/extractive";
import { periodRange, readGapGroups, readInsights } from "@/lib/staff/insights";
import { fmt, summarize } from "./stats";

/**
 * `npm run bench:insights [-- --postgres <url>] [--chats N] [--runs N]`: the staff insights
 * over a month of conversations.
 *
 * Generates `--chats` (default 50,000) conversations spread over the 30 days before now
 * into a fresh SQLite file and, when TEST_DATABASE_URL or `--postgres` names a database,
 * into a fresh schema of it (dropped at the end). Per chat 1–6 turns (mean ≈ 2.4) with
 * realistic answers (about 600 characters; 80% cite a source, 12% the extractive "couldn't find it", the rest
 * uncited prose), five stored citations each with snippets, a score for most, first-token
 * times of 150–2,500 ms; feedback on 15% of turns (a third down), a stopped or failed turn
 * now and then, and a moderation on 0.5% of chats. Turns are stored as the app stores them
 * (with `cited`, lib/db/turns.ts). Then times, after two warm-ups,
 * `--runs` (default 15) reads of the whole page's data (`readInsights`, 30 days: the
 * series and the gap report) and of the gap report alone (`readGapGroups`), and prints
 * p50/p95/max in ms. Prints figures; never asserts.
 */

const { values: args } = parseArgs({
  options: {
    postgres: { type: "string" },
    chats: { type: "string", default: "50000" },
    runs: { type: "string", default: "15" },
  },
});
const CHATS = Number(args.chats);
const RUNS = Number(args.runs);
const WARM_UP = 2;
const LOW = 0.4;
const DAY = 86_400_000;
const NOW = Date.now();

/** A small deterministic generator, so both databases hold the same month. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TOPICS = [
  ["reset", "password"],
  ["change", "billing", "email"],
  ["invite", "colleague", "workspace"],
  ["charged", "twice", "month"],
  ["beacon", "alerts", "slack"],
  ["export", "data", "csv"],
  ["delete", "account"],
  ["refund", "annual", "plan"],
  ["sso", "saml", "okta"],
  ["api", "rate", "limit"],
  ["pay", "bitcoin"],
  ["dark", "mode", "mobile"],
  ["webhook", "retries", "failed"],
  ["two", "factor", "lost", "phone"],
  ["uptime", "sla", "credits"],
  ["invoice", "vat", "number"],
];
const OPENERS = ["How do I", "Can I", "Why can't I", "Is it possible to", "Where do I", "Help:"];
const ARTICLES = Array.from({ length: 60 }, (_, i) => ({
  documentId: `kb/article-${i}.md`,
  title: `Article ${i}: ${TOPICS[i % TOPICS.length]?.join(" ")}`,
}));
/** An answer's usual bulk (about 600 characters in all). */
const FILLER =
  "Changes apply to every member of the workspace. Owners and admins can make them; members see a read-only view. If the option is missing, your plan may not include it: compare plans on the billing page, or ask an owner to upgrade. Some changes take up to five minutes to reach every device. ".repeat(
    2,
  );
const SNIPPET = "The setting is under Settings, then Security; it applies to every member.";

function month(random: () => number) {
  const chats: unknown[][] = [];
  const turns: unknown[][] = [];
  const feedback: unknown[][] = [];
  const audits: unknown[][] = [];
  for (let c = 0; c < CHATS; c++) {
    const chatId = `cht_${c.toString(36).padStart(8, "0")}`;
    const start = NOW - Math.floor(random() * 30 * DAY);
    const n = 1 + Math.min(5, Math.floor(-Math.log(1 - random()) * 1.4));
    chats.push([chatId, `vis_${c % 20_000}`, `Chat ${c}`, start, start + n * 60_000]);
    const chatTurns: string[] = [];
    for (let k = 0; k < n; k++) {
      const turnId = `trn_${c.toString(36)}_${k}`;
      chatTurns.push(turnId);
      const topic = TOPICS[Math.floor(random() * random() * TOPICS.length)] as string[];
      const query = `${OPENERS[Math.floor(random() * OPENERS.length)]} ${topic.join(" ")}${random() < 0.5 ? "?" : ""}`;
      const kind = random();
      const answer =
        kind < 0.8
          ? `To ${topic.join(" ")}, open Settings and choose the option [1]. ${FILLER} It takes effect at once [2].`
          : kind < 0.92
            ? NO_ANSWER
            : `Sorry, the knowledge base does not say how to ${topic.join(" ")}.`;
      const citations = Array.from({ length: 5 }, (_, i) => {
        const a = ARTICLES[Math.floor(random() * ARTICLES.length)] as (typeof ARTICLES)[number];
        return {
          index: i + 1,
          ...a,
          snippet: { before: SNIPPET, match: `${topic.join(" ")}: ${SNIPPET}`, after: SNIPPET },
          score: 0.9 - i * 0.1,
        };
      });
      const status = random() < 0.03 ? (random() < 0.5 ? "stopped" : "error") : "complete";
      // Mostly well supported: about one scored answer in twelve is below 0.4.
      const fcs =
        kind < 0.8 && random() < 0.9 ? Math.round((1 - random() ** 6) * 1000) / 1000 : null;
      const firstToken = status === "error" ? null : 150 + Math.floor(random() * random() * 2350);
      const at = start + k * 60_000;
      turns.push([
        turnId,
        chatId,
        query,
        answer,
        JSON.stringify(citations),
        fcs,
        status,
        at,
        firstToken,
        firstToken === null ? null : firstToken + 900,
        answerCites(answer) ? 1 : 0,
      ]);
      if (random() < 0.15)
        feedback.push([
          turnId,
          chatId,
          `vis_${c % 20_000}`,
          random() < 0.33 ? "down" : "up",
          at + 30_000,
        ]);
    }
    if (random() < 0.005)
      audits.push([
        `aud_${c}`,
        "usr_mod",
        "mod@example.com",
        "disable_turns",
        chatId,
        JSON.stringify(chatTurns.slice(-1)),
        "spam",
        "{}",
        start + n * 60_000 + 5_000,
      ]);
  }
  return { chats, turns, feedback, audits };
}

const TABLES = {
  chats: "chats (chat_id, owner_id, title, created_at, updated_at)",
  turns:
    "turns (turn_id, chat_id, query, answer, citations, fcs, status, created_at, first_token_ms, total_ms, cited)",
  feedback: "feedback (turn_id, chat_id, owner_id, rating, updated_at)",
  audits:
    "audit_log (audit_id, actor_id, actor_email, action, chat_id, turn_ids, reason, prior_state, created_at)",
} as const;

async function load(db: SqlDriver, data: ReturnType<typeof month>) {
  await db.transaction(async (tx) => {
    for (const key of ["chats", "turns", "feedback", "audits"] as const) {
      const rows = data[key];
      const width = (rows[0] ?? []).length;
      const batch = Math.max(1, Math.floor(900 / Math.max(width, 1)));
      for (let i = 0; i < rows.length; i += batch) {
        const slice = rows.slice(i, i + batch);
        const marks = slice.map(() => `(${Array(width).fill("?").join(", ")})`).join(", ");
        await tx.run(`INSERT INTO ${TABLES[key]} VALUES ${marks}`, slice.flat() as never);
      }
    }
  });
  await db.run("ANALYZE");
}

async function time(fn: () => Promise<unknown>) {
  for (let i = 0; i < WARM_UP; i++) await fn();
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    await fn();
    samples.push(performance.now() - t0);
  }
  return summarize(samples);
}

async function measure(name: string, db: SqlDriver, data: ReturnType<typeof month>) {
  const t0 = performance.now();
  await load(db, data);
  const loaded = performance.now() - t0;
  const report = await readInsights({ db, days: 30, now: NOW, lowScore: LOW });
  const page = await time(() => readInsights({ db, days: 30, now: NOW, lowScore: LOW }));
  const range = periodRange(30, NOW);
  const gaps = await time(() => readGapGroups({ db, range, lowScore: LOW }));
  const week = await time(() => readInsights({ db, days: 7, now: NOW, lowScore: LOW }));
  const questions = report.series.days.reduce((n, d) => n + d.questions, 0);
  console.log(`\n### ${name} (loaded in ${fmt(loaded / 1000, 1)} s)\n`);
  console.log(
    `${questions.toLocaleString("en-US")} questions in 30 days; ${report.gaps.total.toLocaleString("en-US")} gap questions, the newest ${report.gaps.clustered.toLocaleString("en-US")} in ${report.gaps.groups.length} groups\n`,
  );
  console.log("| read | p50 ms | p95 ms | max ms |");
  console.log("|---|---|---|---|");
  for (const [label, s] of [
    ["whole page, 30 days (series + gap report)", page],
    ["gap report alone, 30 days", gaps],
    ["whole page, 7 days", week],
  ] as const) {
    console.log(`| ${label} | ${fmt(s.p50, 1)} | ${fmt(s.p95, 1)} | ${fmt(s.max, 1)} |`);
  }
}

console.log(
  `bench:insights — ${CHATS.toLocaleString("en-US")} conversations over 30 days, ${RUNS} runs per read (+${WARM_UP} warm-up)`,
);
const data = month(rng(19));
console.log(
  `${data.turns.length.toLocaleString("en-US")} turns, ${data.feedback.length.toLocaleString("en-US")} feedback, ${data.audits.length.toLocaleString("en-US")} moderations`,
);

const dir = mkdtempSync(path.join(os.tmpdir(), "parley-bench-insights-"));
try {
  const db = await openAppDb({ file: path.join(dir, "app.db") });
  try {
    await measure("SQLite", db, data);
  } finally {
    await db.close();
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const pgUrl = args.postgres ?? process.env.TEST_DATABASE_URL?.trim();
if (pgUrl) {
  const schema = `bench_insights_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Pool({ connectionString: pgUrl, max: 1 });
  await admin.query(`CREATE SCHEMA ${schema}`);
  try {
    const url = new URL(pgUrl);
    url.searchParams.set("options", `-c search_path=${schema}`);
    const db = await openAppDb({ url: url.toString() });
    try {
      await measure("PostgreSQL", db, data);
    } finally {
      await db.close();
    }
  } finally {
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin.end();
  }
} else {
  console.log("\nPostgreSQL: skipped (set TEST_DATABASE_URL or pass --postgres <url>)");
}
