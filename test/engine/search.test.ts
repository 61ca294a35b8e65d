import Database from "better-sqlite3";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  buildWordMatch,
  parseLexicalQuery,
  queryTrigrams,
  STOP_WORDS,
} from "@/lib/engine/core/lexical";
import { porterStem } from "@/lib/engine/core/stem";
import { BadRequestError } from "@/lib/vectara";
import { makeEngine } from "../support/engine";
import { coreDoc, docIds, rawRequest, SUPPORT_KB, seedCorpus } from "../support/search";

async function kb() {
  const fixture = makeEngine();
  await seedCorpus(fixture.client, "kb", SUPPORT_KB, {
    filter_attributes: [{ name: "category", level: "document", type: "text" }],
  });
  const search = async (query: string, extra: Record<string, unknown> = {}) =>
    (await fixture.client.query.corpus("kb", { query, search: { limit: 10, ...extra } }))
      .searchResults;
  return { ...fixture, search };
}

describe("lexical ranking through the query API", () => {
  it("answers a natural-language question from its content words, not requiring every word", async () => {
    const { search } = await kb();
    expect(docIds(await search("How do I reset my password?"))[0]).toBe("reset-password");
    expect(docIds(await search("Where do I find my old invoices?"))[0]).toBe("billing");
    expect(docIds(await search("How many API requests can I send in a minute?"))[0]).toBe(
      "rate-limits",
    );
  });

  it("matches across word forms (stemming) and across accents", async () => {
    const { search } = await kb();
    expect(docIds(await search("resetting"))[0]).toBe("reset-password");
    expect(docIds(await search("invoice"))).toContain("billing");
    expect(docIds(await search("cafe"))).toEqual(["cafe"]);
    expect(docIds(await search("CAFÉ"))).toEqual(["cafe"]);
  });

  it("honours phrases, prefixes and exclusions", async () => {
    const { search } = await kb();
    expect(docIds(await search('"sign out"'))).toEqual(["sign-out"]);
    expect(docIds(await search('"sign in"'))).toEqual(["two-factor"]);
    expect(docIds(await search("authent*"))).toEqual(["two-factor"]);
    expect(docIds(await search("invo*"))).toEqual(["billing"]);
    const passwords = docIds(await search("password"));
    expect(passwords).toEqual(expect.arrayContaining(["reset-password", "password-rules"]));
    expect(docIds(await search("password -email"))).not.toContain("reset-password");
    expect(docIds(await search('password -"one hour"'))).not.toContain("reset-password");
  });

  it("ranks a match in the title above the same word in body text", async () => {
    const { search } = await kb();
    const ids = docIds(await search("export"));
    expect(ids.slice(0, 2)).toEqual(["export-guide", "reports"]);
  });

  it("answers a query of stop words only with its nearest results at honest low scores", async () => {
    const { search } = await kb();
    const nearest = await search("what is the");
    expect(nearest.length).toBeGreaterThan(0);
    for (const r of nearest) expect(r.score).toBeLessThan(0.05);
    // Nothing but an exclusion asks for nothing: no results, and no error.
    expect(await search("-password")).toEqual([]);
  });

  it("reads a long question's quotes and dashes as words, not as search syntax", async () => {
    const { search } = await kb();
    const asked = await search(
      'why do I keep seeing "invalid link" when I try to reset my password -again?',
    );
    expect(docIds(asked)[0]).toBe("reset-password");
    // Short queries keep the syntax: the quoted phrase is required.
    expect(await search('"invalid link"')).toEqual([]);
  });

  it("never lets FTS5 syntax in user text cause an error", async () => {
    const { engine, search } = await kb();
    for (const q of [
      '"',
      '""',
      "*",
      "password*",
      ":",
      "title:password",
      "(",
      ")",
      "NEAR(password reset)",
      "password AND",
      "OR",
      "NOT password",
      "^password",
      "password + email",
      "{a b}",
      "'",
      "\\",
      "- -- ---",
      '"unclosed phrase',
      "\u0000",
      "🔑 password",
    ]) {
      await expect(search(q), q).resolves.toBeInstanceOf(Array);
    }
    await fc.assert(
      fc.asyncProperty(fc.string({ minLength: 1, maxLength: 200, unit: "grapheme" }), async (q) => {
        const r = await rawRequest(engine, "POST", "/v2/corpora/kb/query", { query: q });
        expect(r.status, `${JSON.stringify(q)}: ${r.text}`).toBe(200);
      }),
      { numRuns: 150 },
    );
  });

  it("returns Vectara-shaped results: metadata, platform part fields, corpus", async () => {
    const { search } = await kb();
    const [top] = await search("rate limit");
    expect(top).toMatchObject({
      documentId: "rate-limits",
      requestCorporaIndex: 0,
      corpusKey: "kb",
      documentMetadata: { title: "Rate limits", category: "api" },
      partMetadata: { lang: "eng", offset: 0, len: 52 },
    });
    expect(top?.score).toBeGreaterThan(0);
    expect(top?.score).toBeLessThanOrEqual(1);
  });

  it("applies the metadata filter inside the search and reports a bad one as a 400", async () => {
    const { client, search } = await kb();
    // No billing document mentions passwords: only the nearest ones, at low scores.
    const filtered = await search("password", { metadata_filter: "doc.category = 'billing'" });
    for (const r of filtered) {
      expect(r.documentMetadata.category).toBe("billing");
      expect(r.score).toBeLessThan(0.05);
    }
    const account = await search("sign", { metadata_filter: "doc.category = 'account'" });
    expect(new Set(account.map((r) => r.documentMetadata.category))).toEqual(new Set(["account"]));
    const error = await client.query
      .corpus("kb", { query: "x", search: { metadata_filter: "doc.nope = 1" } })
      .catch((e) => e);
    expect(error).toBeInstanceOf(BadRequestError);
    expect(error.fieldErrors).toHaveProperty(["body.search.metadata_filter"]);
  });

  it("lifts a part by its section's evidence in structured documents", async () => {
    const { client } = makeEngine();
    await seedCorpus(client, "docs", [
      {
        type: "structured",
        id: "vpn",
        title: "VPN setup",
        sections: [
          {
            title: "Connecting to the VPN",
            text: "Install the client from the portal. Enter the gateway address. Connect with your usual credentials.",
          },
        ],
      },
      coreDoc("misc", ["Credentials for the printer are on the sticker."]),
    ]);
    const results = (
      await client.query.corpus("docs", { query: "vpn gateway credentials", search: { limit: 5 } })
    ).searchResults;
    expect(results[0]?.documentId).toBe("vpn");
    expect(results[0]?.text).toMatch(/gateway|credentials|VPN/);
  });

  it("boosts parts by custom dimensions, and refuses undeclared ones", async () => {
    const { client } = makeEngine();
    await client.corpora.create({
      key: "dims",
      custom_dimensions: [{ name: "popularity", indexing_default: 0, querying_default: 0 }],
    });
    for (const [id, popularity] of [
      ["plain", 0],
      ["popular", 1],
    ] as const) {
      await client.documents.create("dims", {
        type: "core",
        id,
        document_parts: [
          { text: "How to change the billing address.", custom_dimensions: { popularity } },
        ],
      });
    }
    const query = (weights?: Record<string, number>) =>
      client.query.corpus("dims", {
        query: "billing address",
        search: { custom_dimensions: weights },
      });
    expect((await query({ popularity: 1 })).searchResults[0]?.documentId).toBe("popular");
    expect((await query({ popularity: -1 })).searchResults[0]?.documentId).toBe("plain");
    const error = await query({ nope: 1 }).catch((e) => e);
    expect(error).toBeInstanceOf(BadRequestError);
    expect(error.fieldErrors).toHaveProperty(["body.search.custom_dimensions.nope"]);
  });
});

describe("context_configuration", () => {
  async function story() {
    const fixture = makeEngine();
    await seedCorpus(fixture.client, "story", [
      {
        type: "structured",
        id: "guide",
        sections: [
          {
            text: "First you open the app. Then you pick a plan. Next you enter the coupon code. After that you pay. Finally you get a receipt.",
          },
        ],
      },
    ]);
    return (context: Record<string, unknown>) =>
      fixture.client.query
        .corpus("story", { query: "coupon", search: { limit: 1, context_configuration: context } })
        .then((a) => a.searchResults[0]?.text);
  }

  it("adds whole sentences of the same document around the part, wrapped in tags", async () => {
    const query = await story();
    expect(await query({})).toBe("Next you enter the coupon code.");
    expect(
      await query({ sentences_before: 1, sentences_after: 2, start_tag: "<b>", end_tag: "</b>" }),
    ).toBe(
      "Then you pick a plan. <b>Next you enter the coupon code.</b> After that you pay. Finally you get a receipt.",
    );
    expect(await query({ sentences_before: 10 })).toBe(
      "First you open the app. Then you pick a plan. Next you enter the coupon code.",
    );
  });

  it("extends character counts to whole sentences, and lets sentences win", async () => {
    const query = await story();
    expect(await query({ characters_before: 3, characters_after: 3 })).toBe(
      "Then you pick a plan. Next you enter the coupon code. After that you pay.",
    );
    expect(await query({ characters_before: 30 })).toBe(
      "First you open the app. Then you pick a plan. Next you enter the coupon code.",
    );
    expect(await query({ characters_before: 500, sentences_before: 0 })).toBe(
      "Next you enter the coupon code.",
    );
  });
});

describe("query analysis (pure)", () => {
  it("stems exactly like SQLite's FTS5 porter tokenizer", () => {
    const db = new Database(":memory:");
    db.exec(
      "CREATE VIRTUAL TABLE t USING fts5(x, tokenize = 'porter unicode61 remove_diacritics 2'); CREATE VIRTUAL TABLE v USING fts5vocab(t, 'instance');",
    );
    const words = [
      ...["caresses", "ponies", "ties", "caress", "cats", "feed", "agreed", "plastered", "bled"],
      ...["motoring", "sing", "conflated", "troubled", "sized", "hopping", "tanned", "falling"],
      ...["hissing", "fizzed", "failing", "filing", "happy", "sky", "relational", "conditional"],
      ...[
        "rational",
        "valenci",
        "hesitanci",
        "digitizer",
        "conformabli",
        "radicalli",
        "differentli",
      ],
      ...["vileli", "analogousli", "vietnamization", "predication", "operator", "feudalism"],
      ...["decisiveness", "hopefulness", "callousness", "formaliti", "sensitiviti", "sensibiliti"],
      ...[
        "triplicate",
        "formative",
        "formalize",
        "electriciti",
        "electrical",
        "hopeful",
        "goodness",
      ],
      ...[
        "revival",
        "allowance",
        "inference",
        "airliner",
        "gyroscopic",
        "adjustable",
        "defensible",
      ],
      ...[
        "irritant",
        "replacement",
        "adjustment",
        "dependent",
        "adoption",
        "homologou",
        "communism",
      ],
      ...["activate", "angulariti", "homologous", "effective", "bowdlerize", "probate", "rate"],
      ...["cease", "controll", "roll", "resetting", "authentication", "généralement", "naïve"],
      ...["abc", "ab", "a", "xyz123", "µg", "generalizations", "oscillators", "yyy", "syzygy"],
    ];
    const insert = db.prepare("INSERT INTO t (rowid, x) VALUES (?, ?)");
    for (const [i, w] of words.entries()) insert.run(i + 1, w);
    const indexed = db.prepare("SELECT term FROM v WHERE doc = ?").pluck();
    for (const [i, w] of words.entries()) {
      const fold = w.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase().replace("µ", "μ");
      expect(porterStem(fold), w).toBe(indexed.get(i + 1));
    }
  });

  it("parses phrases, prefixes, exclusions, drops stop words and repeated stems", () => {
    const q = parseLexicalQuery('How do I reset the "two factor" codes? -SMS resets auth* re*');
    expect(q.terms.map((t) => [t.text, t.prefix])).toEqual([
      ["do", false],
      ["i", false],
      ["reset", false],
      ["codes", false],
      ["auth", true],
      ["re", false],
    ]);
    expect(q.phrases).toEqual([["two", "factor"]]);
    expect(q.excluded).toEqual([["sms"]]);
    expect(STOP_WORDS.has("how") && STOP_WORDS.has("the")).toBe(true);
    expect(parseLexicalQuery("e-mail state-of-the-art").excluded).toEqual([]);
  });

  it("builds MATCH strings of quoted terms only", () => {
    const q = parseLexicalQuery('NEAR(a b) title:x "sign out" -"bad news" col*');
    const match = buildWordMatch(q, q.terms) as string;
    expect(match).toBe(
      '("sign out" AND ("sign out" OR "near" OR "b" OR "title" OR "x" OR "col"*)) NOT ("bad news")',
    );
    expect(buildWordMatch(parseLexicalQuery("the of and"), [])).toBeUndefined();
    expect(queryTrigrams(parseLexicalQuery("Café of reset"))).toEqual([
      "caf",
      "afe",
      "res",
      "ese",
      "set",
    ]);
  });
});
