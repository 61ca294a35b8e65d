import { RE2JS } from "re2js";
import { describe, expect, it } from "vitest";
import { compileUserRegex, MATCHED_PREFIX } from "@/lib/engine/core/regex";
import {
  estimateProgramSize,
  MAX_PROGRAM_SIZE,
  MAX_REPEAT,
  regexCostProblem,
} from "@/lib/engine/core/regex-cost";
import { SCAN_LIMITS, scanPage } from "@/lib/engine/core/scan";
import { saveTurnByChatId } from "@/lib/engine/store/chats";
import type { DB } from "@/lib/engine/store/db";
import { makeEngine } from "../support/engine";
import { rawRequest } from "../support/search";

/**
 * User regexes cost RE2 (program size × characters) per request: a pattern whose
 * repetitions make the program large is refused with a positioned 400, each text is
 * matched on its first MATCHED_PREFIX characters, and one listing request does a
 * bounded amount of work, continuing with a page_key.
 */

describe("regexCostProblem", () => {
  it("accepts everyday patterns and moderate repetitions", () => {
    for (const pattern of [
      "refund|invoice",
      "^How (do|long)",
      "(a+)+$",
      "where.*invoices",
      "\\d{4}-\\d{2}-\\d{2}",
      ".{0,100}z",
      "(?:ab){3,}",
      "[a{5}]{3}",
      "a{,5000}", // not a repetition in RE2: literal text
      "x".repeat(1000),
    ]) {
      expect(regexCostProblem(pattern), pattern).toBeUndefined();
    }
  });

  it("refuses a repetition count above the bound, naming its 1-based position", () => {
    expect(regexCostProblem(".{0,999}z")).toEqual({
      position: 2,
      message: expect.stringMatching(/\{0,999\} at position 2 .*more than 100/),
    });
    expect(regexCostProblem(`a{${MAX_REPEAT}}`)).toBeUndefined();
    expect(regexCostProblem(`a{${MAX_REPEAT + 1}}`)?.position).toBe(2);
    expect(regexCostProblem(`a{${MAX_REPEAT + 1},}`)?.position).toBe(2);
    // Positions count code points: "é😀" is two, so `{0,200}` starts at the fourth.
    expect(regexCostProblem("é😀.{0,200}")?.position).toBe(4);
    // Escaped, quoted or bracketed braces are text, not repetitions.
    expect(regexCostProblem("\\Q.{0,999}\\E")).toBeUndefined();
    expect(regexCostProblem("[{0,999}]")).toBeUndefined();
    expect(regexCostProblem("\\{0,999}")).toBeUndefined();
  });

  it("refuses nested repetitions whose program is too large, blaming the one that makes it so", () => {
    const problem = regexCostProblem("(a{50}){20}");
    expect(problem?.position).toBe(8);
    expect(problem?.message).toMatch(/\{20\} at position 8 expands it to about \d+ instructions/);
    expect(regexCostProblem("(a{30}){30}")).toBeUndefined();
    // Many repetitions, none too large alone: the largest is named.
    const many = ".{0,90}a".repeat(6);
    expect(regexCostProblem(many)?.message).toMatch(
      /about \d+ instructions.*\{0,90\} at position 2 adds the most/,
    );
  });

  it("estimates close to RE2's own program size, never much below it", () => {
    for (const pattern of [
      "refund|invoice",
      ".{0,100}z",
      "(.{0,10}){10}#",
      "[a-z]{100}#",
      "(\\w+\\s+){10}#",
      "(?P<n>a){3}",
      "(?i)\\Qa{5}\\E{3}",
      "(a{30}){30}",
      "((a{10}){10}){10}",
      "(ab){4,}",
      "x".repeat(1000),
    ]) {
      const real = RE2JS.compile(pattern, RE2JS.CASE_INSENSITIVE).programSize();
      const estimate = estimateProgramSize(pattern);
      expect(estimate, pattern).toBeGreaterThanOrEqual(real - 3);
      expect(estimate, pattern).toBeLessThanOrEqual(real + 3);
    }
    expect(MAX_PROGRAM_SIZE).toBeGreaterThanOrEqual(1000);
  });
});

describe("compileUserRegex", () => {
  it("matches the first MATCHED_PREFIX characters only, and `$` never at the cut", () => {
    const within = compileUserRegex("needle", "query.filter");
    expect(within(`${"x".repeat(MATCHED_PREFIX - 6)}needle`)).toBe(true);
    expect(within(`${"x".repeat(MATCHED_PREFIX - 5)}needle`)).toBe(false);
    const end = compileUserRegex("x$", "query.filter");
    expect(end("x".repeat(MATCHED_PREFIX))).toBe(true);
    expect(end("x".repeat(MATCHED_PREFIX + 1))).toBe(false);
    expect(within.cost("x".repeat(10 * MATCHED_PREFIX))).toBe(
      within.cost("x".repeat(MATCHED_PREFIX)),
    );
  });

  it("throws a positioned field error for a costly pattern", () => {
    expect(() => compileUserRegex(".{0,999}z", "query.filter")).toThrow(
      /query\.filter: .*at position 2/,
    );
  });
});

describe("scanPage", () => {
  const rows = Array.from({ length: 100 }, (_, n) => ({
    n,
    text: n % 7 === 0 ? `row ${n} needle` : `row ${n} hay`,
  }));
  const expected = rows.filter((r) => r.n % 7 === 0).map((r) => r.n);
  const regex = compileUserRegex("needle", "query.filter");

  function pageThrough(limit: number, limits: { rows: number; steps: number }) {
    const pages: number[][] = [];
    let after = -1;
    for (let guard = 0; guard < 1000; guard++) {
      const { page, resumeAfter } = scanPage({
        rows: rows.filter((r) => r.n > after),
        limit,
        regex,
        texts: (r) => [r.text],
        limits,
      });
      pages.push(page.map((r) => r.n));
      if (!resumeAfter) return pages;
      expect(resumeAfter.n).toBeGreaterThan(after);
      after = resumeAfter.n;
    }
    throw new Error("paging did not end");
  }

  it("pages every match in order when each request may examine only a few rows", () => {
    const pages = pageThrough(3, { rows: 5, steps: Number.POSITIVE_INFINITY });
    expect(pages.flat()).toEqual(expected);
    expect(pages.every((p) => p.length <= 3)).toBe(true);
    // Short and even empty pages carry on with a key: rows 1-5 hold no match.
    expect(pages.some((p) => p.length === 0)).toBe(true);
    expect(pages.length).toBeGreaterThanOrEqual(rows.length / 5);
  });

  it("stops on regex work, but always examines at least one row", () => {
    const perRow = regex.cost("row 10 hay");
    const pages = pageThrough(100, { rows: Number.POSITIVE_INFINITY, steps: 3 * perRow });
    expect(pages.flat()).toEqual(expected);
    expect(pageThrough(100, { rows: 0, steps: 0 }).flat()).toEqual(expected);
  });

  it("without a bound in sight, behaves as a plain filter: a key only when more matches exist", () => {
    expect(pageThrough(100, SCAN_LIMITS)).toEqual([expected]);
    const two = pageThrough(expected.length - 1, SCAN_LIMITS);
    expect(two).toEqual([expected.slice(0, -1), expected.slice(-1)]);
  });
});

function seedChats(db: DB, texts: Array<{ query: string; answer: string }>): string[] {
  return texts.map(({ query, answer }, n) => {
    const chatId = `cht_${String(n).padStart(4, "0")}`;
    saveTurnByChatId({
      db,
      newChat: true,
      turn: { chatId, turnId: `trn_${n}`, query, answer, rephrasedQuery: query, corpusKeys: [] },
    });
    return chatId;
  });
}

describe("GET /v2/chats, /v2/corpora and /v2/app_clients with a costly filter", () => {
  it("answers 400 on query.filter naming the repetition's position", async () => {
    const { engine } = makeEngine();
    for (const route of ["/v2/chats", "/v2/corpora", "/v2/app_clients"]) {
      const res = await rawRequest(
        engine,
        "GET",
        `${route}?filter=${encodeURIComponent(".{0,999}z")}`,
      );
      expect(res.status, route).toBe(400);
      const fields = res.json.field_errors as Record<string, string>;
      expect(fields["query.filter"]).toMatch(/\{0,999\} at position 2/);
    }
    const nested = await rawRequest(
      engine,
      "GET",
      `/v2/chats?filter=${encodeURIComponent("(a{50}){20}")}`,
    );
    expect(nested.status).toBe(400);
    expect((nested.json.field_errors as Record<string, string>)["query.filter"]).toMatch(
      /at position 8/,
    );
  });
});

describe("GET /v2/chats over many long chats", () => {
  it("bounds each request's scan and finds every match across pages", async () => {
    const { engine } = makeEngine();
    const filler = (n: number) => `chat ${n} `.padEnd(2500, "lorem ipsum dolor sit amet ");
    const texts = Array.from({ length: 40 }, (_, n) => ({
      query: n % 5 === 0 ? `needle ${filler(n)}` : filler(n),
      answer: n === 12 ? `${filler(n)} needle` : n === 13 ? `the needle ${filler(n)}` : filler(n),
    }));
    const ids = seedChats(engine.db, texts);
    // Newest first; chat 12's needle lies past the matched prefix of its answer.
    const expected = ids.filter((_, n) => n % 5 === 0 || n === 13).reverse();
    // A large but cheap program (a long literal alternative) makes each chat cost
    // ~2,000 steps a character: a request may scan only a few chats.
    const filter = `needle|${"zq".repeat(450)}`;
    const size = RE2JS.compile(filter, RE2JS.CASE_INSENSITIVE).programSize();
    const chatsPerRequest = SCAN_LIMITS.steps / (size * 2 * (MATCHED_PREFIX + 1));
    expect(chatsPerRequest).toBeLessThan(ids.length / 2);

    const found: string[] = [];
    const keys = new Set<string>();
    let pageKey: string | undefined;
    let requests = 0;
    do {
      const query = new URLSearchParams({ filter, limit: "100" });
      if (pageKey) query.set("page_key", pageKey);
      const res = await rawRequest(engine, "GET", `/v2/chats?${query}`);
      expect(res.status).toBe(200);
      found.push(...(res.json.chats as Array<{ id: string }>).map((c) => c.id));
      pageKey = (res.json.metadata as { page_key?: string }).page_key;
      if (pageKey) {
        expect(keys.has(pageKey)).toBe(false);
        keys.add(pageKey);
      }
      requests++;
    } while (pageKey && requests < 100);
    expect(found).toEqual(expected);
    expect(requests).toBeGreaterThan(1);

    // The first request stopped early: fewer than all matches, and a key to go on.
    const first = await rawRequest(
      engine,
      "GET",
      `/v2/chats?${new URLSearchParams({ filter, limit: "100" })}`,
    );
    expect((first.json.chats as unknown[]).length).toBeLessThan(expected.length);
    expect((first.json.metadata as { page_key?: string }).page_key).toEqual(expect.any(String));
  });

  it("keeps the old page keys' meaning: a cursor below a chat's row", async () => {
    const { engine } = makeEngine();
    const ids = seedChats(
      engine.db,
      Array.from({ length: 5 }, (_, n) => ({ query: `question ${n}`, answer: "answer" })),
    );
    const first = await rawRequest(engine, "GET", "/v2/chats?limit=2");
    const key = (first.json.metadata as { page_key: string }).page_key;
    expect(JSON.parse(Buffer.from(key, "base64url").toString())).toEqual({
      before: expect.any(Number),
    });
    const second = await rawRequest(engine, "GET", `/v2/chats?limit=2&page_key=${key}`);
    expect((second.json.chats as Array<{ id: string }>).map((c) => c.id)).toEqual([ids[2], ids[1]]);
  });
});
