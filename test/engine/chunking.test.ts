import { describe, expect, it } from "vitest";
import { chunkText, MAX_SENTENCE_CHARS } from "@/lib/engine/core/chunking";
import { detectLanguage } from "@/lib/engine/core/lang";
import { prepareDocument } from "@/lib/engine/core/prepare";
import { splitSentences } from "@/lib/engine/core/sentences";

const sentences = (text: string) => splitSentences(text).map((s) => s.text);

describe("splitSentences", () => {
  it("splits plain sentences and keeps offsets exact", () => {
    const text = "  Reset your password.  Then sign in again!   Done?";
    const spans = splitSentences(text);
    expect(spans.map((s) => s.text)).toEqual([
      "Reset your password.",
      "Then sign in again!",
      "Done?",
    ]);
    for (const s of spans) expect(text.slice(s.start, s.end)).toBe(s.text);
  });

  it("does not split after abbreviations, titles, initials or months", () => {
    expect(sentences("Use a strong key, e.g. Ed25519. Ask Dr. Smith first.")).toEqual([
      "Use a strong key, e.g. Ed25519.",
      "Ask Dr. Smith first.",
    ]);
    expect(sentences("Written by J. R. Tolkien in Jan. 1937. It sold well.")).toEqual([
      "Written by J. R. Tolkien in Jan. 1937.",
      "It sold well.",
    ]);
    expect(sentences("Apples, pears, etc. are fruit.")).toEqual(["Apples, pears, etc. are fruit."]);
  });

  it("keeps decimals, versions, URLs and e-mail addresses whole", () => {
    expect(
      sentences(
        "It costs $3.50 in v2.1.0. See https://example.com/a.b?c=d. Mail help@acme.io now.",
      ),
    ).toEqual([
      "It costs $3.50 in v2.1.0.",
      "See https://example.com/a.b?c=d.",
      "Mail help@acme.io now.",
    ]);
  });

  it("handles ellipses: a break before a capital, none before lowercase", () => {
    expect(sentences("Wait... what happened? I waited… Then it worked.")).toEqual([
      "Wait... what happened?",
      "I waited…",
      "Then it worked.",
    ]);
  });

  it("keeps closing quotes and brackets with their sentence", () => {
    expect(sentences('He said "Stop." Then he left. (It was late.) Next.')).toEqual([
      'He said "Stop."',
      "Then he left.",
      "(It was late.)",
      "Next.",
    ]);
  });

  it("makes each list line its own sentence, even without punctuation", () => {
    expect(
      sentences("Steps:\n- Open settings\n- Click Reset\n1. First\n2) Second\n• Third"),
    ).toEqual(["Steps:", "- Open settings", "- Click Reset", "1. First", "2) Second", "• Third"]);
  });

  it("ends a sentence at a blank line but not at a soft line break", () => {
    expect(sentences("A heading\n\nThis line wraps\nhere and ends.")).toEqual([
      "A heading",
      "This line wraps\nhere and ends.",
    ]);
  });

  it("splits at CJK full stops without spaces", () => {
    expect(sentences("東京に行きました。大阪も好きです！本当？")).toEqual([
      "東京に行きました。",
      "大阪も好きです！",
      "本当？",
    ]);
  });

  it("yields nothing for empty or blank text", () => {
    expect(splitSentences("")).toEqual([]);
    expect(splitSentences(" \n\t\n ")).toEqual([]);
  });
});

describe("chunkText", () => {
  const text =
    "Refunds take five days. Contact support to start one. Keep your receipt. " +
    "Gift cards cannot be refunded. Shipping costs are not refunded either.";

  it("makes one chunk per sentence by default", () => {
    expect(chunkText(text).map((c) => c.text)).toEqual(sentences(text));
  });

  it("packs whole sentences up to max_chars_per_chunk", () => {
    const chunks = chunkText(text, {
      type: "max_chars_chunking_strategy",
      max_chars_per_chunk: 100,
    });
    expect(chunks.map((c) => c.text)).toEqual([
      "Refunds take five days. Contact support to start one. Keep your receipt.",
      "Gift cards cannot be refunded. Shipping costs are not refunded either.",
    ]);
    for (const c of chunks) {
      expect(c.text.length).toBeLessThanOrEqual(100);
      expect(text.slice(c.start, c.end)).toBe(c.text);
    }
  });

  it("splits an over-long sentence at word boundaries, never over the limit", () => {
    const long = `${Array.from({ length: 60 }, (_, i) => `word${i}`).join(" ")}.`;
    const chunks = chunkText(`Short one. ${long} Tail.`, {
      type: "max_chars_chunking_strategy",
      max_chars_per_chunk: 100,
    });
    expect(chunks.length).toBeGreaterThan(3);
    for (const c of chunks) {
      expect(c.text.length).toBeLessThanOrEqual(100);
      // Every piece holds whole words only.
      for (const w of c.text.split(" ")) expect(w).toMatch(/^(word\d+\.?|Short|one\.|Tail\.)$/);
    }
    expect(chunks.map((c) => c.text).join(" ")).toBe(`Short one. ${long} Tail.`);
  });

  it("cuts a word longer than the limit, and caps run-on sentences by default", () => {
    const blob = "x".repeat(250);
    const chunks = chunkText(blob, {
      type: "max_chars_chunking_strategy",
      max_chars_per_chunk: 100,
    });
    expect(chunks.map((c) => c.text.length)).toEqual([100, 100, 50]);
    const runOn = "lorem ipsum ".repeat(400);
    for (const c of chunkText(runOn)) expect(c.text.length).toBeLessThanOrEqual(MAX_SENTENCE_CHARS);
  });
});

describe("detectLanguage", () => {
  it("names scripts and common Latin languages, and gives up when unsure", () => {
    expect(detectLanguage("Der Vertrag ist nicht mit der Firma und die Kunden")).toBe("deu");
    expect(detectLanguage("Le client est dans la boutique et les vendeurs sont là")).toBe("fra");
    expect(detectLanguage("The refund is issued to your card and the receipt")).toBe("eng");
    expect(detectLanguage("東京に行きました")).toBe("jpn");
    expect(detectLanguage("我们的退款政策")).toBe("zho");
    expect(detectLanguage("Политика возврата")).toBe("rus");
    expect(detectLanguage("Hello")).toBeUndefined();
    expect(detectLanguage("1234")).toBeUndefined();
  });
});

describe("prepareDocument", () => {
  it("makes one part per core part, with offsets into the joined text", () => {
    const doc = prepareDocument({
      type: "core",
      id: "d",
      metadata: { title: "T" },
      document_parts: [
        { text: "First part.", metadata: { n: 1 }, context: "ctx" },
        { text: "Second part. Two sentences.", custom_dimensions: { boost: 1 } },
      ],
    });
    expect(doc.title).toBe("T");
    expect(doc.parts.map((p) => [p.text, p.offset, p.len, p.isTitle])).toEqual([
      ["First part.", 0, 11, undefined],
      ["Second part. Two sentences.", 12, 27, undefined],
    ]);
    expect(doc.parts[0]).toMatchObject({ metadata: { n: 1 }, context: "ctx", lang: "eng" });
    expect(doc.parts[1]?.customDimensions).toEqual({ boost: 1 });
  });

  it("turns titles into title parts and nests section metadata and ids", () => {
    const doc = prepareDocument({
      type: "structured",
      id: "s",
      title: "Guide",
      sections: [
        {
          id: 1,
          title: "Billing",
          text: "You pay monthly. Invoices arrive by mail.",
          metadata: { area: "billing" },
          sections: [{ id: 2, title: "Refunds", text: "Refunds take five days." }],
        },
      ],
    });
    expect(doc.metadata.title).toBe("Guide");
    expect(
      doc.parts.map((p) => [p.text, p.isTitle ?? null, p.metadata.section ?? null, p.heading]),
    ).toEqual([
      ["Guide", true, null, ""],
      ["Billing", true, 1, "Billing"],
      ["You pay monthly.", false, 1, "Billing"],
      ["Invoices arrive by mail.", false, 1, "Billing"],
      ["Refunds", true, 2, "Refunds"],
      ["Refunds take five days.", false, 2, "Refunds"],
    ]);
    expect(doc.parts[5]?.metadata).toEqual({ area: "billing", section: 2 });
    // Offsets index the document text: segments joined by "\n".
    const text = ["Guide", "Billing", "You pay monthly. Invoices arrive by mail.", "Refunds"]
      .concat("Refunds take five days.")
      .join("\n");
    for (const p of doc.parts) expect(text.slice(p.offset, p.offset + p.len)).toBe(p.text);
  });

  it("rejects a document with no text instead of storing nothing", () => {
    expect(() =>
      prepareDocument({ type: "structured", id: "e", sections: [{ text: "  " }] }),
    ).toThrowError(/no text/);
    expect(() =>
      prepareDocument({ type: "core", id: "e", document_parts: [{ text: "" }] }),
    ).toThrowError(/document_parts\.0\.text/);
  });

  it("takes lang from part metadata, then document metadata, then detection", () => {
    const doc = prepareDocument({
      type: "core",
      id: "l",
      document_parts: [
        { text: "Der Vertrag ist nicht mit der Firma." },
        { text: "Hello there.", metadata: { lang: "fra" } },
      ],
    });
    expect(doc.parts.map((p) => p.lang)).toEqual(["deu", "fra"]);
    const given = prepareDocument({
      type: "core",
      id: "g",
      metadata: { lang: "spa" },
      document_parts: [{ text: "The refund is issued to your card and the receipt." }],
    });
    expect(given.parts[0]?.lang).toBe("spa");
  });
});
