import { beforeEach, describe, expect, it, vi } from "vitest";
import { appDbs } from "../support/app-db";

vi.mock("server-only", () => ({}));
const q = await import("@/lib/db");
const search = await import("@/lib/db/search");
type SqlDriver = import("@/lib/db").SqlDriver;

describe("parseSearchWords", () => {
  const words = (text: string) => {
    const parsed = search.parseSearchWords(text);
    return parsed.ok ? parsed.words : parsed.problem;
  };

  it("splits on spacing and punctuation, lowercases, and keeps each word once", () => {
    expect(words("Password reset")).toEqual(["password", "reset"]);
    expect(words("  password-RESET?! (password) ")).toEqual(["password", "reset"]);
    expect(words("what's 2FA")).toEqual(["what", "s", "2fa"]);
  });

  it("keeps letters of any script and their accents, folding case per character", () => {
    expect(words("Café CRÈME")).toEqual(["café", "crème"]);
    expect(words("ΟΔΟΣ")).toEqual(["οδοσ"]);
    // Full-width letters are the ASCII ones (NFKC).
    expect(words("ＰＡＳＳ")).toEqual(["pass"]);
  });

  it("refuses a search with no words, too many words, a long word or too many characters", () => {
    expect(words("?!  --")).toMatch(/at least one word/);
    expect(words("a b c d e f g h")).toHaveLength(8);
    expect(words("a b c d e f g h i")).toMatch(/at most 8 words.*has 9/);
    expect(words("x".repeat(51))).toMatch(/longer than 50 characters/);
    expect(words("x".repeat(50))).toEqual(["x".repeat(50)]);
    expect(words("ab ".repeat(70))).toMatch(/longer than 200 characters/);
  });
});

describe("likePatternFor", () => {
  it("escapes LIKE's wildcards and its escape, and makes non-ASCII characters one-character wildcards", () => {
    expect(search.likePatternFor("reset")).toBe("%reset%");
    expect(search.likePatternFor("100%_\\")).toBe("%100\\%\\_\\\\%");
    expect(search.likePatternFor("café")).toBe("%caf_%");
  });
});

describe("bestSnippet", () => {
  const turns = [
    { query: "hi", answer: "Hello! How can I help?" },
    { query: "How do I reset my password?", answer: "Open Settings, then Password, then Reset." },
  ];

  it("is undefined unless every word is somewhere in the conversation", () => {
    expect(search.bestSnippet(turns, ["password", "refund"])).toBeUndefined();
    expect(search.bestSnippet([], ["password"])).toBeUndefined();
  });

  it("shows the turn side with the most words, the earliest on a tie, the words marked", () => {
    expect(search.bestSnippet(turns, ["password", "reset"])).toEqual({
      turn: 2,
      side: "question",
      parts: [
        { text: "How do I ", hit: false },
        { text: "reset", hit: true },
        { text: " my ", hit: false },
        { text: "password", hit: true },
        { text: "?", hit: false },
      ],
    });
    // Words spread over turns still match; the snippet is the turn holding most of them.
    expect(search.bestSnippet(turns, ["hello", "settings", "open"])).toMatchObject({
      turn: 2,
      side: "answer",
    });
  });

  it("marks words inside longer words and in any case, and cuts a long text around the first match", () => {
    const long = `${"lorem ipsum ".repeat(30)}the PASSWORDS were reset ${"dolor sit ".repeat(30)}`;
    const snippet = search.bestSnippet([{ query: "q", answer: long }], ["password"]);
    const text = snippet?.parts.map((p) => p.text).join("") ?? "";
    expect(snippet?.parts[0]).toEqual({ text: "…", hit: false });
    expect(snippet?.parts.at(-1)).toEqual({ text: "…", hit: false });
    expect(text.length).toBeLessThan(200);
    expect(snippet?.parts.filter((p) => p.hit)).toEqual([{ text: "PASSWORD", hit: true }]);
  });
});

describe.each(appDbs)("searchChatsByWords ($name)", (engine) => {
  let db: SqlDriver;
  beforeEach(async () => {
    db = await engine.open();
  });

  let turnNo = 0;
  /** A chat created at `at` with the given (question, answer) turns. */
  async function chat(chatId: string, at: number, turns: [string, string][]) {
    await q.upsertChatByChatId({ db, chatId, ownerId: "vis_a", title: "t", now: at });
    for (const [i, [query, answer]] of turns.entries()) {
      await q.saveTurnByTurnId({
        db,
        turn: {
          turnId: `trn_${++turnNo}`,
          chatId,
          query,
          answer,
          citations: [],
          status: "complete",
          createdAt: at + i,
        },
      });
    }
  }

  const ids = async (words: string[], extra: { chatIds?: string[]; limit?: number } = {}) =>
    (await search.searchChatsByWords({ db, words, limit: 25, ...extra })).hits.map((h) => h.chatId);

  it("finds every word in any turn, question or answer, in any order and case, newest first", async () => {
    await chat("cht_first", 100, [["How do I reset my PASSWORD?", "Use the Forgot link."]]);
    await chat("cht_later", 200, [
      ["hi", "Hello!"],
      ["What about my invoice?", "Invoices are under Billing; a password reset is elsewhere."],
    ]);
    await chat("cht_split", 300, [
      ["password", "ok"],
      ["and then?", "then reset it"],
    ]);
    await chat("cht_none", 400, [["How do I invite a colleague?", "Send an invitation."]]);

    expect(await ids(["password", "reset"])).toEqual(["cht_split", "cht_later", "cht_first"]);
    expect(await ids(["reset", "password"])).toEqual(["cht_split", "cht_later", "cht_first"]);
    expect(await ids(["invoice", "password"])).toEqual(["cht_later"]);
    expect(await ids(["password", "refund"])).toEqual([]);
    expect(await ids(["password"], { chatIds: ["cht_first", "cht_none"] })).toEqual(["cht_first"]);

    const [hit] = (await search.searchChatsByWords({ db, words: ["invoice"], limit: 5 })).hits;
    expect(hit).toMatchObject({ chatId: "cht_later", createdAt: 200, snippet: { turn: 2 } });
  });

  it("treats LIKE's wildcards as the characters they are", async () => {
    await chat("cht_pct", 100, [["Is it 100% refundable?", "Yes."]]);
    await chat("cht_plain", 200, [["Is it 1000 refundable?", "user_name is the field"]]);
    expect(await ids(["100%"])).toEqual(["cht_pct"]);
    expect(await ids(["user_name"])).toEqual(["cht_plain"]);
    expect(await ids(["user%name"])).toEqual([]);
    expect(await ids(["r_fundable"])).toEqual([]);
  });

  it("returns the same matches beyond ASCII on both databases: case folded, accents kept", async () => {
    await chat("cht_cafe", 100, [["CAFÉ menu", "ok"]]);
    await chat("cht_plain", 200, [["cafe menu", "ok"]]);
    await chat("cht_greek", 300, [["ΟΔΟΣ", "ok"]]);
    // The SQL wildcard for é would take any letter: "cafe" must not come back for "café".
    expect(await ids(["café"])).toEqual(["cht_cafe"]);
    expect(await ids(["cafe"])).toEqual(["cht_plain"]);
    expect(await ids(["οδοσ"])).toEqual(["cht_greek"]);
    // The Kelvin sign is not a "k" on either database (Postgres's LOWER would make it one).
    await chat("cht_kelvin", 400, [["\u212A units", "yes"]]);
    expect(await ids(["kunits"])).toEqual([]);
    expect(await ids(["k", "units"])).toEqual([]);
  });

  it("pages newest first with a cursor, without gaps or repeats, across equal times", async () => {
    for (const [id, at] of [
      ["cht_a", 10],
      ["cht_b", 20],
      ["cht_c", 20],
      ["cht_d", 20],
      ["cht_e", 30],
    ] as const) {
      await chat(id, at, [[`reset ${id}`, "password"]]);
    }
    await chat("cht_other", 25, [["nothing", "here"]]);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Awaited<ReturnType<typeof search.searchChatsByWords>> =
        await search.searchChatsByWords({ db, words: ["reset"], limit: 2, cursor });
      expect(page.hits.length).toBeLessThanOrEqual(2);
      seen.push(...page.hits.map((h) => h.chatId));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(["cht_e", "cht_d", "cht_c", "cht_b", "cht_a"]);
  });

  it("looks at no more than its scan window per request, and says where to go on", async () => {
    await chat("cht_old_match", 10, [["reset password", "ok"]]);
    for (let i = 0; i < 5; i++) await chat(`cht_new_${i}`, 100 + i, [["hello", "hi"]]);
    const first = await search.searchChatsByWords({
      db,
      words: ["reset"],
      limit: 10,
      scanWindow: 3,
    });
    expect(first.hits).toEqual([]);
    expect(first.nextCursor).not.toBeNull();
    const second = await search.searchChatsByWords({
      db,
      words: ["reset"],
      limit: 10,
      scanWindow: 3,
      cursor: first.nextCursor,
    });
    expect(second.hits.map((h) => h.chatId)).toEqual(["cht_old_match"]);
    expect(second.nextCursor).toBeNull();
  });

  it("refuses a cursor that is not one of its own", async () => {
    await expect(
      search.searchChatsByWords({ db, words: ["a"], limit: 5, cursor: "not a cursor" }),
    ).rejects.toBeInstanceOf(q.InvalidCursorError);
    const foreign = Buffer.from(JSON.stringify({ page: 2 })).toString("base64url");
    await expect(
      search.searchChatsByWords({ db, words: ["a"], limit: 5, cursor: foreign }),
    ).rejects.toBeInstanceOf(q.InvalidCursorError);
  });

  it("forgets a deleted conversation", async () => {
    await chat("cht_gone", 100, [["reset password", "ok"]]);
    expect(await ids(["reset"])).toEqual(["cht_gone"]);
    await q.deleteChatByChatId({ db, chatId: "cht_gone" });
    expect(await ids(["reset"])).toEqual([]);
  });
});
