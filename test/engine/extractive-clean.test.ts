import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildChatRequest } from "@/lib/chat/request";
import type { Engine } from "@/lib/engine";
import { expandContext, expandContextSegments, planContext } from "@/lib/engine/core/context";
import { composeExtractive } from "@/lib/engine/core/generation/extractive";
import { SUPPORT_KB_FILTER_ATTRIBUTES } from "@/lib/ingest";
import type { VectaraClient } from "@/lib/vectara";
import { DEMO_KB, openDemoKbEngine } from "../support/demo-kb-engine";

/**
 * Extractive answers are whole sentences: a result's text joins its parts (headings,
 * table rows, the matched sentence) with spaces, and the generator must not read a
 * heading and the sentence after it as one sentence. The demo KB, asked as the chat
 * UI asks (same context_configuration), shows it end to end.
 */
const KB = DEMO_KB;

/** An article's headings and title, as plain text. */
function headingsOf(documentId: string): string[] {
  const md = readFileSync(path.join(KB, documentId), "utf8");
  const title = /^title:\s*["']?(.+?)["']?\s*$/m.exec(md)?.[1];
  const headings = md
    .split("\n")
    .filter((l) => /^#{1,6}\s/.test(l))
    .map((l) =>
      l
        .replace(/^#+\s*/, "")
        .replace(/\*\*|__|`/g, "")
        .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")
        .trim(),
    );
  return [...(title ? [title] : []), ...headings].filter((h) => h !== "");
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const normal = (s: string) =>
  s
    .replace(/%(?:START|END)_SNIPPET%/g, "")
    .replace(/\s+/g, " ")
    .trim();

interface Cited {
  sentence: string;
  result: number;
}

/**
 * The cited pieces of an answer, whatever their form: prose ("A b [1]. C d? [2]"),
 * numbered items ("2. Enter your email [1]."), or table rows ("| a | b [1] |", whose
 * cells are returned joined by "; "). Throws on uncited text.
 */
function citedSentences(answer: string): Cited[] {
  const out: Cited[] = [];
  for (const block of answer.split(/\n+/)) {
    const line = block.trim();
    if (line === "" || /^\|(?:-{3}\|)+$/.test(line)) continue;
    const row = /^\|(.*)\[(\d+)\] \|$/.exec(line);
    if (row) {
      const cells = (row[1] as string).split(" | ").map((c) => c.trim());
      out.push({ sentence: cells.join("; "), result: Number(row[2]) });
      continue;
    }
    if (/^\|.*\|$/.test(line)) continue; // a table's header row
    const text = line.replace(/^\d{1,3}\.\s+/, "");
    const re = /\s*(.+?) \[(\d+)\]([.!]?)(?=\s|$)/gy;
    let m = re.exec(text);
    let end = 0;
    while (m) {
      out.push({ sentence: `${m[1]}${m[3]}`, result: Number(m[2]) });
      end = re.lastIndex;
      m = re.exec(text);
    }
    expect(text.slice(end).trim(), `uncited text in: ${answer}`).toBe("");
  }
  return out;
}

/** `Header: cell; Header: cell`, as ingestion writes a table row. */
const TABLE_FRAGMENT = /[^:;]{1,60}: [^;]+; [^:;]{1,60}: /;

describe("extractive answers on the demo KB, asked as the chat UI asks", () => {
  let engine: Engine;
  let client: VectaraClient;

  beforeAll(async () => {
    let summary: Awaited<ReturnType<typeof openDemoKbEngine>>["summary"];
    ({ engine, client, summary } = await openDemoKbEngine({
      name: "Support knowledge base",
      filterAttributes: SUPPORT_KB_FILTER_ATTRIBUTES,
    }));
    expect(summary.failed).toEqual([]);
  });

  afterAll(() => engine.close());

  const ask = (query: string) =>
    client.chats.create(buildChatRequest({ query, corpusKey: "support_kb" }));

  /** A document's text as the engine holds it: its parts, in order. */
  const documentText = async (id: string) =>
    normal(
      ((await client.documents.get("support_kb", id)).parts ?? []).map((p) => p.text).join(" "),
    );

  it.each([
    "Can I get a refund on my yearly plan?",
    "How do I get a refund?",
    "I was charged twice this month",
  ])("%s → clean, whole, correctly cited sentences", async (query) => {
    const turn = await ask(query);
    const results = turn.searchResults;
    const cited = citedSentences(turn.answer);
    expect(cited.length).toBeGreaterThan(0);
    for (const { sentence, result } of cited) {
      const hit = results[result - 1];
      expect(hit, `[${result}] exists`).toBeDefined();
      const documentId = hit?.documentId ?? "";
      const text = await documentText(documentId);
      if (/; /.test(sentence) && !/[.!?]$/.test(sentence)) {
        // A table row: its cells, from the cited article's table.
        for (const cell of sentence.split("; ")) expect(text).toContain(normal(cell));
        continue;
      }
      expect(sentence, "ends like a sentence").toMatch(/[.!?]["')\]]*$/);
      // Quoted from the cited article (its passage, or that passage's section).
      expect(text, `[${result}] contains "${sentence}"`).toContain(normal(sentence));
      expect(sentence, "no table-row fragment").not.toMatch(TABLE_FRAGMENT);
      expect(sentence).not.toMatch(/\b(?:Situation|What you see|Likely cause):/);
      for (const heading of headingsOf(documentId)) {
        // A heading glued to a sentence: the heading, a space, then a new sentence's capital.
        const glued = new RegExp(`(?:^|\\s)${escapeRegExp(heading)} [A-Z]`);
        expect(sentence, `heading "${heading}" glued`).not.toMatch(glued);
        expect(sentence).not.toBe(heading);
      }
    }
  });

  it("answers the yearly-refund question from the refund policy first", async () => {
    const turn = await ask("Can I get a refund on my yearly plan?");
    const first = citedSentences(turn.answer)[0];
    expect(turn.searchResults[(first?.result ?? 0) - 1]?.documentId).toBe(
      "billing/refund-policy.md",
    );
    expect(first?.sentence).toBe(
      "If you bought or renewed a yearly Team or Business plan, you can get a full refund within 30 days of the purchase or renewal date.",
    );
  });

  it("keeps the search results' text as Vectara joins it: parts with spaces, headings included", async () => {
    const turn = await ask("Can I get a refund on my yearly plan?");
    const refund = turn.searchResults.find((r) => r.text.includes("If you bought or renewed"));
    expect(refund?.text).toMatch(
      /Yearly plans(?:%END_SNIPPET%)? (?:%START_SNIPPET%)?If you bought or renewed/,
    );
  });

  it("gives a table row that is the answer as a small table under its headers", async () => {
    const turn = await ask("Is a prorated charge a duplicate?");
    expect(turn.answer).toMatch(
      /^\| What you see \| Likely cause \| Is it a duplicate\? \|\n\|---\|---\|---\|\n\| A regular charge plus a smaller charge mid-month \| Prorated charge after an upgrade \| No \[\d\] \|/,
    );
  });
});

describe("context segments", () => {
  const plan = planContext({
    sentences_before: 2,
    sentences_after: 2,
    start_tag: "<b>",
    end_tag: "</b>",
  });

  it("joins exactly as before and lists each part's share of the text", () => {
    const before = ["Intro. Yearly plans"];
    const after = ["After 30 days, no refund. Tip: see invoices.", "Related"];
    const { text, segments } = expandContextSegments("You get a refund.", plan, before, after);
    expect(text).toBe(
      "Intro. Yearly plans <b>You get a refund.</b> After 30 days, no refund. Tip: see invoices.",
    );
    expect(text).toBe(expandContext("You get a refund.", plan, before, after));
    expect(segments).toEqual([
      { text: "Intro. Yearly plans", match: false },
      { text: "You get a refund.", match: true },
      { text: "After 30 days, no refund. Tip: see invoices.", match: false },
    ]);
  });
});

describe("extractive answers from parts", () => {
  const texts = (parts: string[]) => [parts.join(" ")];

  it("never glues a heading to the sentence after it, but lets its words count", () => {
    const parts = ["Summary", "Yearly plans", "You get the money back within 30 days."];
    const answer = composeExtractive({
      query: "yearly plans",
      texts: texts(parts),
      parts: [parts.map((text) => ({ text }))],
      maxResults: 5,
    });
    expect(answer).toEqual([{ text: "You get the money back within 30 days.", result: 1 }]);
  });

  it("keeps a list's lead-in with its first item, and stops at the next heading", () => {
    const parts = [
      "If the refund hasn't arrived",
      "If it's been more than 10 days since our email:",
      "Check the statement of the card that was charged.",
      "Ask your bank whether a credit is pending.",
      "Related articles",
      "Refund policy for yearly plans.",
    ];
    const answer = composeExtractive({
      query: "refund hasn't arrived",
      texts: texts(parts),
      parts: [parts.map((text, i) => ({ text, isTitle: i === 0 }))],
      maxResults: 5,
    });
    expect(answer.map((s) => s.text)).toEqual([
      "If it's been more than 10 days since our email: Check the statement of the card that was charged.",
      "Ask your bank whether a credit is pending.",
    ]);
  });

  it("treats a statement that ends in a button's name as a statement, a real question as a lead", () => {
    const parts = [
      "Seeing two charges on your card?",
      "Duplicate charges are refunded in full.",
      "Go to the sign-in page and click Forgot password?",
    ];
    const charged = composeExtractive({
      query: "two charges on my card",
      texts: texts(parts),
      parts: [parts.map((text) => ({ text }))],
      maxResults: 5,
    });
    expect(charged[0]?.text).toBe("Duplicate charges are refunded in full.");
    const forgot = composeExtractive({
      query: "forgot password",
      texts: texts(parts),
      parts: [parts.map((text) => ({ text }))],
      maxResults: 5,
    });
    expect(forgot.map((s) => s.text)).toEqual([
      "Go to the sign-in page and click Forgot password?",
    ]);
  });

  it("a table row answers only when it beats every statement, and then alone", () => {
    const row = "Plan: Team; Members: up to 10";
    const parts = ["Plans differ.", row, "Every plan includes email alerts."];
    const members = composeExtractive({
      query: "how many members on team",
      texts: texts(parts),
      parts: [parts.map((text) => ({ text }))],
      maxResults: 5,
    });
    expect(members).toEqual([
      { text: row, result: 1, row: { headers: ["Plan", "Members"], cells: ["Team", "up to 10"] } },
    ]);
    const alerts = composeExtractive({
      query: "email alerts plan",
      texts: texts(parts),
      parts: [parts.map((text) => ({ text }))],
      maxResults: 5,
    });
    expect(alerts.map((s) => s.text)).not.toContain(row);
  });
});
