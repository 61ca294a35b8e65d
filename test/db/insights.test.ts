import { beforeEach, describe, expect, it, vi } from "vitest";
import { NO_ANSWER } from "@/lib/engine/core/generation/extractive";
import { appDbs } from "../support/app-db";

vi.mock("server-only", () => ({}));
const { readInsights, periodRange, insightsDaysSchema, insightsPageDaysSchema, gapCsvFilename } =
  await import("@/lib/staff/insights");
const { gapGroupsToCsv, csvField, clusterGapTurns, questionTokens } = await import(
  "@/lib/staff/insights-gaps"
);
type SqlDriver = import("@/lib/db").SqlDriver;

const at = (iso: string) => Date.parse(iso);
const NOW = at("2026-03-15T12:00:00.000Z");
const DAY = (iso: string) => Math.floor(at(`${iso}T00:00:00.000Z`) / 86_400_000);
const LOW = 0.4;

interface SeedTurn {
  id: string;
  chat: string;
  when: string;
  query: string;
  answer: string;
  status?: "complete" | "stopped" | "error";
  fcs?: number;
  firstTokenMs?: number;
  citations?: Array<{ documentId: string; title: string }>;
}

const TURNS: SeedTurn[] = [
  {
    id: "t1",
    chat: "c1",
    when: "2026-03-15T10:00:00Z",
    query: "How do I reset my password?",
    answer: "[1] Use the link on the sign-in page.",
    fcs: 0.9,
    firstTokenMs: 100,
    citations: [{ documentId: "doc-reset", title: "Resetting your password" }],
  },
  {
    id: "t2",
    chat: "c2",
    when: "2026-03-15T11:00:00Z",
    query: "Can I pay with bitcoin?",
    answer: NO_ANSWER,
    firstTokenMs: 300,
    citations: [{ documentId: "doc-billing", title: "Billing" }],
  },
  {
    id: "t3",
    chat: "c3",
    when: "2026-03-15T11:30:00Z",
    query: "can I pay using Bitcoin",
    answer: "The returned results did not contain sufficient information.",
    fcs: 0.8,
    firstTokenMs: 500,
    citations: [
      { documentId: "doc-billing", title: "Billing" },
      { documentId: "doc-plans", title: "Plans" },
    ],
  },
  {
    id: "t4",
    chat: "c1",
    when: "2026-03-14T09:00:00Z",
    query: '=HYPERLINK("http://x") export "all"',
    answer: "Exports are not described here.",
    firstTokenMs: 200,
  },
  {
    id: "t5",
    chat: "c2",
    when: "2026-03-14T09:30:00Z",
    query: "Is there an SLA for uptime?",
    answer: "Yes, 99.9% uptime [2].",
    fcs: 0.2,
    firstTokenMs: 400,
    citations: [{ documentId: "doc-sla", title: "SLA, uptime and credits" }],
  },
  {
    id: "t6",
    chat: "c3",
    when: "2026-03-13T10:00:00Z",
    query: "How do I delete my account?",
    answer: "Open Settings, then Delete account [1].",
    fcs: 0.95,
    citations: [{ documentId: "doc-account", title: "Closing your account" }],
  },
  {
    id: "t7",
    chat: "c4",
    when: "2026-03-13T11:00:00Z",
    query: "hi",
    answer: "Hello! How can I help?",
    firstTokenMs: 50,
  },
  {
    id: "t8",
    chat: "c4",
    when: "2026-03-13T12:00:00Z",
    query: "What does items[1] mean in the API?",
    answer: "See items[1] in the code.",
    firstTokenMs: 70,
  },
  {
    id: "t9",
    chat: "c4",
    when: "2026-03-12T08:00:00Z",
    query: "Why is it slow",
    answer: "",
    status: "stopped",
  },
  {
    id: "t10",
    chat: "c1",
    when: "2026-03-08T23:59:59.999Z",
    query: "Can I pay with bitcoin please",
    answer: NO_ANSWER,
    firstTokenMs: 9_000,
  },
  {
    id: "t11",
    chat: "c5",
    when: "2026-03-09T00:00:00.000Z",
    query: "Paying with bitcoin?",
    answer: NO_ANSWER,
    firstTokenMs: 1_000,
    citations: [{ documentId: "doc-billing", title: "Billing" }],
  },
];

async function seed(db: SqlDriver) {
  for (const chat of ["c1", "c2", "c3", "c4", "c5"]) {
    await db.run(
      "INSERT INTO chats (chat_id, owner_id, title, created_at, updated_at) VALUES (?, ?, ?, ?, ?)",
      [chat, `vis_${chat}`, `Chat ${chat}`, at("2026-03-01T00:00:00Z"), NOW],
    );
  }
  for (const t of TURNS) {
    await db.run(
      `INSERT INTO turns (turn_id, chat_id, query, answer, citations, fcs, status, created_at, first_token_ms)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        t.id,
        t.chat,
        t.query,
        t.answer,
        JSON.stringify((t.citations ?? []).map((c, i) => ({ index: i + 1, ...c, score: 0.5 }))),
        t.fcs ?? null,
        t.status ?? "complete",
        at(t.when),
        t.firstTokenMs ?? null,
      ],
    );
  }
  const feedback = [
    ["t1", "c1", "up", "2026-03-15T10:05:00Z"],
    ["t5", "c2", "up", "2026-03-15T08:00:00Z"],
    ["t6", "c3", "down", "2026-03-13T10:01:00Z"],
    ["t10", "c1", "down", "2026-03-08T23:59:59.999Z"],
  ] as const;
  for (const [turn, chat, rating, when] of feedback) {
    await db.run(
      "INSERT INTO feedback (turn_id, chat_id, owner_id, rating, updated_at) VALUES (?, ?, ?, ?, ?)",
      [turn, chat, `vis_${chat}`, rating, at(when)],
    );
  }
  const audits = [
    ["a1", "c1", ["t4", "t5"], "2026-03-14T13:00:00Z"],
    ["a2", "c1", ["t1"], "2026-03-15T11:00:00Z"],
    ["a3", "c1", ["t10"], "2026-03-08T12:00:00Z"],
  ] as const;
  for (const [id, chat, turns, when] of audits) {
    await db.run(
      `INSERT INTO audit_log (audit_id, actor_id, actor_email, action, chat_id, turn_ids, reason, prior_state, created_at)
       VALUES (?, 'usr_mod', 'mod@example.com', 'disable_turns', ?, ?, 'spam', '{}', ?)`,
      [id, chat, JSON.stringify(turns), at(when)],
    );
  }
}

describe("insights periods", () => {
  it("is today (UTC) and the days before it", () => {
    expect(periodRange(7, NOW)).toEqual({
      from: at("2026-03-09T00:00:00Z"),
      to: at("2026-03-16T00:00:00Z"),
    });
    expect(periodRange(30, at("2026-03-15T00:00:00Z")).from).toBe(at("2026-02-14T00:00:00Z"));
  });

  it("takes 7, 30 or 90 days; the API refuses anything else, the page falls back to 30", () => {
    expect(insightsDaysSchema.parse(undefined)).toBe(30);
    expect(insightsDaysSchema.parse("90")).toBe(90);
    expect(insightsDaysSchema.safeParse("14").success).toBe(false);
    expect(insightsPageDaysSchema.parse("14")).toBe(30);
    expect(insightsPageDaysSchema.parse(["7"])).toBe(30);
    expect(gapCsvFilename(7, NOW)).toBe("parley-knowledge-gaps-7d-2026-03-15.csv");
  });
});

describe("gap clustering and CSV", () => {
  it("folds, drops stop words and stems", () => {
    expect(questionTokens("How do I PAY with Bitcoin?")).toEqual(questionTokens("paying bitcoin"));
    expect(questionTokens("the a is")).toEqual([]);
  });

  it("neutralises formulas and quotes what needs it", () => {
    expect(csvField("=1+1")).toBe("'=1+1");
    expect(csvField("+1")).toBe("'+1");
    expect(csvField("-1")).toBe("'-1");
    expect(csvField("@SUM(A1)")).toBe("'@SUM(A1)");
    expect(csvField('a "b", c')).toBe('"a ""b"", c"');
    expect(csvField("line\nbreak")).toBe('"line\nbreak"');
    expect(csvField(-3)).toBe("-3");
    expect(csvField("plain")).toBe("plain");
  });

  it("gives the same groups whatever order the turns come in", () => {
    const WORDINGS = ["refund my order", "order refund", "refund an order please", "change email"];
    const turns = Array.from({ length: 30 }, (_, i) => ({
      turnId: `t${i}`,
      chatId: `c${i % 7}`,
      query: WORDINGS[i % 4] as string,
      createdAt: 1_000 + i,
      fcs: null,
      notFound: true,
      lowScore: false,
      thumbsDown: false,
      citations: [],
    }));
    const a = clusterGapTurns(turns);
    expect(clusterGapTurns([...turns].reverse())).toEqual(a);
    expect(a.map((g) => [g.label, g.questions])).toEqual([
      ["order refund", 23],
      ["change email", 7],
    ]);
  });
});

describe.each(appDbs)("insights over the app DB ($name)", (engine) => {
  let db: SqlDriver;
  beforeEach(async () => {
    db = await engine.open();
    await seed(db);
  });

  it("counts each series per UTC day, with empty days, inside the period only", async () => {
    const report = await readInsights({ db, days: 7, now: NOW, lowScore: LOW });
    const days = report.series.days;
    expect(days.map((d) => d.day)).toEqual(
      ["09", "10", "11", "12", "13", "14", "15"].map((d) => DAY(`2026-03-${d}`)),
    );
    const byDay = Object.fromEntries(days.map((d) => [d.day - DAY("2026-03-09"), d]));
    expect(byDay[0]).toEqual({
      day: DAY("2026-03-09"),
      questions: 1,
      answered: 0,
      notFound: 1,
      unfinished: 0,
      lowScore: 0,
      thumbsUp: 0,
      thumbsDown: 0,
      moderatedTurns: 0,
      medianFirstTokenMs: 1000,
    });
    expect(byDay[1]).toMatchObject({ questions: 0, medianFirstTokenMs: null });
    expect(byDay[3]).toMatchObject({ questions: 1, unfinished: 1, answered: 0, notFound: 0 });
    expect(byDay[4]).toMatchObject({
      questions: 3,
      answered: 1,
      notFound: 2,
      thumbsDown: 1,
      thumbsUp: 0,
      medianFirstTokenMs: 60,
    });
    expect(byDay[5]).toMatchObject({
      questions: 2,
      answered: 1,
      notFound: 1,
      lowScore: 1,
      moderatedTurns: 2,
      medianFirstTokenMs: 300,
    });
    expect(byDay[6]).toMatchObject({
      questions: 3,
      answered: 1,
      notFound: 2,
      lowScore: 0,
      thumbsUp: 2,
      moderatedTurns: 1,
      medianFirstTokenMs: 300,
    });
    // 50, 70, 100, 200 | 300, 400, 500, 1000 → (200 + 300) / 2.
    expect(report.series.medianFirstTokenMs).toBe(250);
    expect(report.lowScoreThreshold).toBe(LOW);
  });

  it("reads whether an answer cites from the stored flag, and from the answer without one", async () => {
    const q = await import("@/lib/db");
    const turn = (turnId: string, answer: string) => ({
      turnId,
      chatId: "c5",
      query: `Question ${turnId}?`,
      answer,
      citations: [],
      status: "complete" as const,
      createdAt: at("2026-03-10T09:00:00Z"),
    });
    await q.saveTurnByTurnId({ db, turn: turn("s1", "See the guide [1].") });
    await q.saveTurnByTurnId({ db, turn: turn("s2", "See items[1].") });
    await q.saveTurnByTurnId({ db, turn: turn("s3", NO_ANSWER) });
    expect(
      await db.all("SELECT turn_id, cited FROM turns WHERE turn_id LIKE 's%' ORDER BY turn_id"),
    ).toEqual([
      { turn_id: "s1", cited: 1 },
      { turn_id: "s2", cited: 0 },
      { turn_id: "s3", cited: 0 },
    ]);
    let day = (await readInsights({ db, days: 7, now: NOW, lowScore: LOW })).series.days[1];
    expect(day).toMatchObject({ questions: 3, answered: 1, notFound: 2 });
    // The stored flag is what counts: flipped by hand, the counts follow it.
    await db.run("UPDATE turns SET cited = 0 WHERE turn_id = 's1'");
    day = (await readInsights({ db, days: 7, now: NOW, lowScore: LOW })).series.days[1];
    expect(day).toMatchObject({ questions: 3, answered: 0, notFound: 3 });
  });

  it("takes the low-score threshold as given", async () => {
    const report = await readInsights({ db, days: 7, now: NOW, lowScore: 0.85 });
    expect(report.series.days.map((d) => d.lowScore)).toEqual([0, 0, 0, 0, 0, 1, 1]);
  });

  it("groups the gap questions with their counts, examples, articles and chats", async () => {
    const { gaps } = await readInsights({ db, days: 7, now: NOW, lowScore: LOW });
    // t2, t3, t4, t5, t6, t7 (small talk: counted, not grouped), t8, t11.
    expect(gaps.total).toBe(8);
    expect(gaps.clustered).toBe(8);
    expect(gaps.groups).toEqual([
      {
        label: "Can I pay with bitcoin?",
        questions: 3,
        chats: 3,
        notFound: 3,
        lowScore: 0,
        thumbsDown: 0,
        examples: ["can I pay using Bitcoin", "Can I pay with bitcoin?", "Paying with bitcoin?"],
        articles: [
          { documentId: "doc-billing", title: "Billing", questions: 3 },
          { documentId: "doc-plans", title: "Plans", questions: 1 },
        ],
        chatIds: ["c3", "c2", "c5"],
        latestAt: at("2026-03-15T11:30:00Z"),
      },
      expect.objectContaining({
        label: "Is there an SLA for uptime?",
        questions: 1,
        lowScore: 1,
        notFound: 0,
        articles: [{ documentId: "doc-sla", title: "SLA, uptime and credits", questions: 1 }],
      }),
      expect.objectContaining({ label: '=HYPERLINK("http://x") export "all"', notFound: 1 }),
      expect.objectContaining({ label: "What does items[1] mean in the API?", notFound: 1 }),
      expect.objectContaining({
        label: "How do I delete my account?",
        thumbsDown: 1,
        notFound: 0,
        chatIds: ["c3"],
      }),
    ]);
    expect(gapGroupsToCsv(gaps.groups)).toBe(
      [
        "group,questions,chats,couldn't find it,low score,thumbs down,example questions,retrieved articles,chat ids",
        "Can I pay with bitcoin?,3,3,3,0,0,can I pay using Bitcoin | Can I pay with bitcoin? | Paying with bitcoin?,Billing (doc-billing) | Plans (doc-plans),c3 c2 c5",
        'Is there an SLA for uptime?,1,1,0,1,0,Is there an SLA for uptime?,"SLA, uptime and credits (doc-sla)",c2',
        `"'=HYPERLINK(""http://x"") export ""all""",1,1,1,0,0,"'=HYPERLINK(""http://x"") export ""all""",,c1`,
        "What does items[1] mean in the API?,1,1,1,0,0,What does items[1] mean in the API?,,c4",
        "How do I delete my account?,1,1,0,0,1,How do I delete my account?,Closing your account (doc-account),c3",
        "",
      ].join("\r\n"),
    );
  });

  it("clusters only the newest gap questions when there are more than the bound", async () => {
    const { gaps } = await readInsights({ db, days: 7, now: NOW, lowScore: LOW, limit: 2 });
    expect(gaps).toMatchObject({ total: 8, clustered: 2, limit: 2 });
    expect(gaps.groups.map((g) => g.label)).toEqual(["can I pay using Bitcoin"]);
    expect(gaps.groups[0]?.questions).toBe(2);
  });

  it("includes a period's first millisecond and excludes the one before", async () => {
    const week = await readInsights({ db, days: 7, now: NOW, lowScore: LOW });
    const month = await readInsights({ db, days: 30, now: NOW, lowScore: LOW });
    const total = (r: typeof week) => r.series.days.reduce((n, d) => n + d.questions, 0);
    expect(total(week)).toBe(10);
    expect(total(month)).toBe(11);
    expect(month.series.days).toHaveLength(30);
    expect(month.series.days.reduce((n, d) => n + d.thumbsDown, 0)).toBe(2);
    expect(month.series.days.reduce((n, d) => n + d.moderatedTurns, 0)).toBe(4);
    expect(month.gaps.groups[0]).toMatchObject({ label: "Can I pay with bitcoin?", questions: 4 });
  });
});
