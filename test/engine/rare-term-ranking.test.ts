import path from "node:path";
import { describe, expect, it } from "vitest";
import { fuseRuns, WEIGHTS } from "@/lib/engine/core/fusion";
import { ingest } from "@/lib/ingest";
import type { VectaraClient } from "@/lib/vectara";
import { makeEngine } from "../support/engine";

/**
 * A part holding every query term, one of them very rare, must rank first, above
 * parts that share only a common word ("safe") with the query. Regression: a core
 * document (no sections) could score at most (1 + 0.35) / 3.35 ≈ 0.403 in a corpus
 * of structured documents, because the section run's weight 2 was in every part's
 * denominator while only parts cut from a section can earn it; it ranked 8th.
 */
const KB = path.resolve("content/demo-kb");
const CORPUS = "support_kb";

async function seededKb(): Promise<VectaraClient> {
  const { client } = makeEngine();
  const summary = await ingest({
    client,
    corpus: CORPUS,
    paths: [KB],
    extensions: ["md"],
    create: true,
  });
  expect(summary.failed).toEqual([]);
  expect(summary.added).toBeGreaterThanOrEqual(40);
  return client;
}

async function addCore(client: VectaraClient, id: string, title: string, text: string) {
  await client.documents.create(CORPUS, {
    type: "core",
    id,
    metadata: { title },
    document_parts: [{ text }],
  });
}

async function ranking(client: VectaraClient, query: string) {
  const answer = await client.query.corpus(CORPUS, { query, search: { limit: 10 } });
  return answer.searchResults.map((r) => ({ doc: r.documentId, text: r.text, score: r.score }));
}

const PROBE_TEXT =
  "The zyxquartz_abc widget is safe to use. The zyxquartz_abc widget needs no setup at all.";

describe("a rare query term dominates common ones", () => {
  it.each([
    "Is the zyxquartz_abc widget safe to use?",
    "zyxquartz_abc widget safe",
    "Is the zyxquartz widget safe to use?",
    "zyxquartz widget safe",
    "zyxquartz",
  ])("core document without title part or sections ranks first for %j", async (query) => {
    const client = await seededKb();
    await addCore(client, "probe-x.md", "zyxquartz_abc hazards", PROBE_TEXT);
    const hits = await ranking(client, query);
    expect(hits[0]?.doc, JSON.stringify(hits.slice(0, 3))).toBe("probe-x.md");
    expect(hits[0]?.score).toBeCloseTo(1, 6);
    // Parts that only share "safe" (or "use") stay clearly below the full, rare match.
    for (const h of hits.slice(1)) expect(h.score).toBeLessThan(0.8);
  });

  it("a structured document with a title and sections ranks its matching sentence first", async () => {
    const client = await seededKb();
    await client.documents.create(CORPUS, {
      type: "structured",
      id: "probe-s.md",
      title: "Qorvexium gadget hazards",
      metadata: {},
      sections: [
        {
          title: "Overview",
          text: "The qorvexium_pro gadget ships in a blue box. It weighs two kilos.",
        },
        {
          title: "Safety",
          text: "The qorvexium_pro gadget is safe to use. The qorvexium_pro gadget needs no setup at all.",
        },
      ],
    });
    for (const query of [
      "Is the qorvexium_pro gadget safe to use?",
      "Is the qorvexium gadget safe to use?",
      "qorvexium gadget safe",
    ]) {
      const hits = await ranking(client, query);
      expect(hits[0], query).toMatchObject({
        doc: "probe-s.md",
        text: "The qorvexium_pro gadget is safe to use.",
      });
      // Every part of the demo KB (which can only match "safe"/"use") ranks below the probe's.
      const firstOther = hits.findIndex((h) => h.doc !== "probe-s.md");
      const probeScores = hits.filter((h) => h.doc === "probe-s.md").map((h) => h.score);
      if (firstOther >= 0) expect(hits[firstOther]?.score).toBeLessThan(Math.max(...probeScores));
    }
  });

  it("core and structured documents with the rare term both outrank common-word matches", async () => {
    const client = await seededKb();
    await addCore(client, "probe-x.md", "zyxquartz_abc hazards", PROBE_TEXT);
    await client.documents.create(CORPUS, {
      type: "structured",
      id: "probe-s.md",
      title: "More zyxquartz notes",
      metadata: {},
      sections: [{ title: "Storage", text: "Keep the zyxquartz widget dry and safe from frost." }],
    });
    const hits = await ranking(client, "Is the zyxquartz widget safe to use?");
    const shown = JSON.stringify(hits.slice(0, 4));
    expect(
      hits
        .slice(0, 2)
        .map((h) => h.doc)
        .sort(),
      shown,
    ).toEqual(["probe-s.md", "probe-x.md"]);
    // Both full matches score alike, far above parts that only share "safe" or "use".
    const common = Math.max(...hits.filter((h) => !h.doc.startsWith("probe-")).map((h) => h.score));
    for (const h of hits.slice(0, 2))
      expect(h.score, shown).toBeGreaterThan(Math.max(0.8, 2 * common));
  });

  it.each([
    // The index splits at "_" (unicode61 separator), so each spelling finds the other.
    ["glimmerfax_v2", "glimmerfax"],
    ["glimmerfax", "glimmerfax_v2"],
    ["glimmerfax_v2", "glimmerfax_v2"],
  ])(
    "a unique word written %j in the text is found by the query word %j",
    async (inText, inQuery) => {
      const client = await seededKb();
      await addCore(client, "probe-u.md", "Probe", `The ${inText} widget is safe to use.`);
      const hits = await ranking(client, `Is the ${inQuery} widget safe to use?`);
      expect(hits[0]?.doc, JSON.stringify(hits.slice(0, 3))).toBe("probe-u.md");
    },
  );
});

describe("fuseRuns: the section weight only counts where the section run applies", () => {
  const word = new Map([
    [1, 10], // sectionless part (core document): best word and trigram match
    [2, 3], // part of a structured document: weak word match, best section
    [3, 10], // structured title part: no section of its own
  ]);
  const trigram = new Map([
    [1, 4],
    [2, 1],
    [3, 4],
  ]);
  const section = new Map([[2, 7]]);
  const sectioned = new Set([2, 3]);

  it("scores a part of a document without sections over the word and trigram runs only", () => {
    const fused = fuseRuns({ word, trigram, section, sectioned }, 1);
    const alone = fuseRuns({ word, trigram }, 1);
    expect(fused.get(1)).toBeCloseTo(1, 9);
    expect(fused.get(1)).toBeCloseTo(alone.get(1) as number, 9);
    expect(fused.get(1)).toBeGreaterThan(fused.get(2) as number);
  });

  it("keeps the full weight total for a structured document's parts, title parts included", () => {
    const fused = fuseRuns({ word, trigram, section, sectioned }, 1);
    // A part's own evidence (word and trigram runs) is one share, its section's another.
    const own = (w: number, t: number) => (w + WEIGHTS.trigram * t) / (1 + WEIGHTS.trigram);
    const total = 1 + WEIGHTS.section;
    expect(fused.get(2)).toBeCloseTo((own(0.3, 0.25) + WEIGHTS.section) / total, 9);
    expect(fused.get(3)).toBeCloseTo(own(1, 1) / total, 9);
  });

  it("scores stay in [0, 1]", () => {
    for (const s of fuseRuns({ word, trigram, section, sectioned }, 1).values()) {
      expect(s).toBeGreaterThan(0);
      expect(s).toBeLessThanOrEqual(1);
    }
  });
});
