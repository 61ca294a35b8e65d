import { describe, expect, it } from "vitest";
import type { Engine } from "@/lib/engine";
import { EngineError } from "@/lib/engine/core/errors";
import type { SectionInput } from "@/lib/engine/core/prepare";
import { detectFileKind } from "@/lib/engine/extract";
import { extractHtml } from "@/lib/engine/extract/html";
import { extractMarkdown } from "@/lib/engine/extract/markdown";
import { type APIError, BadRequestError, ConflictError } from "@/lib/vectara";
import { makeEngine } from "../support/engine";
import { makeDocx, makePdf } from "../support/files";

const utf8 = (s: string) => new TextEncoder().encode(s);

/** Headings and texts of a section tree, flattened depth first. */
function outline(sections: SectionInput[], depth = 0): string[] {
  return sections.flatMap((s) => [
    ...(s.title ? [`${"#".repeat(depth + 1)} ${s.title}`] : []),
    ...(s.text ? [s.text] : []),
    ...outline(s.sections ?? [], depth + 1),
  ]);
}

function thrown(run: () => unknown): EngineError {
  try {
    run();
  } catch (error) {
    if (error instanceof EngineError) return error;
    throw error;
  }
  throw new Error("expected an EngineError");
}

describe("extractMarkdown", () => {
  it("reads front matter, nested headings, lists, tables and code", () => {
    const doc = extractMarkdown(
      [
        "---",
        "title: Resetting your password",
        "category: account",
        "tags: [login, security]",
        "---",
        "Intro with **bold**, _emphasis_, `code_span` and a [link](https://x.io/a).",
        "",
        "# Reset",
        "Open *Settings* and pick",
        "Security.",
        "",
        "## Steps",
        "- Click **Reset**",
        "- Check your e-mail",
        "1. Follow the link",
        "",
        "| Plan | Price |",
        "|------|------:|",
        "| Pro | $20 |",
        "| Team | $50 |",
        "",
        "```bash",
        "parley reset --user me",
        "```",
        "<!-- an editor's note -->",
        "Alt header",
        "==========",
        "Text &amp; more ![diagram](d.png).",
      ].join("\n"),
    );
    expect(doc.metadata).toEqual({
      title: "Resetting your password",
      category: "account",
      tags: ["login", "security"],
    });
    expect(doc.title).toBe("Resetting your password");
    expect(doc.firstHeading).toBe("Reset");
    expect(outline(doc.sections)).toEqual([
      "Intro with bold, emphasis, code_span and a link.",
      "# Reset",
      "Open Settings and pick Security.",
      "## Steps",
      [
        "Click Reset",
        "Check your e-mail",
        "1. Follow the link",
        "Plan: Pro; Price: $20",
        "Plan: Team; Price: $50",
        "parley reset --user me",
      ].join("\n\n"),
      "# Alt header",
      "Text & more diagram.",
    ]);
  });

  it("answers 400 on body.file for front matter that is not a YAML mapping", () => {
    const invalid = thrown(() => extractMarkdown("---\ntitle: [unclosed\n---\nText."));
    expect(invalid.status).toBe(400);
    expect(invalid.details.fieldErrors).toHaveProperty(["body.file"]);
    expect(thrown(() => extractMarkdown("---\n- a\n- b\n---\nText.")).message).toMatch(/mapping/);
    expect(extractMarkdown("---\n---\nJust text.").metadata).toEqual({});
    const ruled = extractMarkdown("---\nJust a ruled paragraph.\n---\nMore.");
    expect(ruled.metadata).toEqual({});
    // CommonMark: a paragraph line over "---" is a level-2 setext heading.
    expect(outline(ruled.sections)).toEqual(["# Just a ruled paragraph.", "More."]);
  });
});

describe("extractHtml", () => {
  it("keeps readable text only, with the title and headings as structure", () => {
    const doc = extractHtml(`<!doctype html><html><head><title>Help &amp; Support</title>
      <style>.x { color: red }</style><script>var secret = "tracking";</script></head>
      <body><nav><a href="/">Home</a> | <a href="/docs">Docs</a></nav>
      <h1>Shipping</h1><p>We ship in <b>2&nbsp;days</b>.<br>Returns are free.</p>
      <div hidden>Hidden promo</div><span aria-hidden="true">icon</span>
      <h2>Rates</h2><table><tr><th>Zone</th><th>Cost</th></tr><tr><td>EU</td><td>&euro;5</td></tr></table>
      <ul><li>Tracked</li><li>Insured</li></ul><noscript>Enable JS</noscript></body></html>`);
    expect(doc.title).toBe("Help & Support");
    expect(doc.firstHeading).toBe("Shipping");
    expect(outline(doc.sections)).toEqual([
      "# Shipping",
      "We ship in 2 days.\n\nReturns are free.",
      "## Rates",
      "Zone: EU; Cost: €5\n\nTracked\n\nInsured",
    ]);
    const all = JSON.stringify(doc);
    for (const hidden of ["secret", "color", "Home", "Hidden promo", "icon", "Enable JS"]) {
      expect(all).not.toContain(hidden);
    }
  });
});

describe("extractHtml: generated documentation", () => {
  it("drops navigation marked by class, role or summary, not only <nav>", () => {
    const doc = extractHtml(`<html><head><title>21.1. The pg_hba.conf File</title></head><body>
      <div class="navheader"><table summary="Navigation header"><tr><th>21.1. The file</th></tr>
      <tr><td><a href="p.html">Prev</a></td><td><a href="u.html">Up</a></td></tr></table></div>
      <div class="related" role="navigation"><a href="i.html">index</a></div>
      <ol class="breadcrumb"><li>Docs</li><li>Auth</li></ol>
      <h2>21.1. The pg_hba.conf File</h2><p>Client authentication is controlled by a file.</p>
      <div class="navfooter"><table summary="Navigation footer"><tr><td>Next</td></tr></table></div>
      </body></html>`);
    expect(outline(doc.sections)).toEqual([
      "# 21.1. The pg_hba.conf File",
      "Client authentication is controlled by a file.",
    ]);
  });

  it("numbers the items of ordered lists, from `start`, through nested paragraphs", () => {
    const doc = extractHtml(`<h1>Steps</h1>
      <ol><li><p>Stop the server.</p></li><li>Copy the files.<ul><li>all of them</li></ul></li></ol>
      <ol start="4"><li>Start it again.</li></ol><ul><li>A bullet</li></ul>`);
    expect(outline(doc.sections)).toEqual([
      "# Steps",
      [
        "1. Stop the server.",
        "2. Copy the files.",
        "all of them",
        "4. Start it again.",
        "A bullet",
      ].join("\n\n"),
    ]);
  });
});

describe("extractMarkdown: numbered steps", () => {
  it("keeps each item's number as a renderer counts it, and restarts after the list", () => {
    const doc = extractMarkdown(
      [
        "## Steps",
        "1. Go to the page.",
        "1. Enter your email.",
        "   It must be yours.",
        "",
        "1. Click Send.",
        "",
        "Then wait.",
        "",
        "5. A new list",
      ].join("\n"),
    );
    expect(outline(doc.sections)).toEqual([
      "# Steps",
      [
        "1. Go to the page.",
        "2. Enter your email. It must be yours.",
        "3. Click Send.",
        "Then wait.",
        "5. A new list",
      ].join("\n\n"),
    ]);
  });
});

describe("detectFileKind", () => {
  const kind = (name: string, type: string, bytes = utf8("Some text.")) =>
    detectFileKind({ name, type, bytes });
  it("trusts specific MIME types, then extensions, then the bytes", () => {
    expect(kind("a.md", "text/markdown")).toBe("markdown");
    expect(kind("a.md", "text/plain")).toBe("markdown");
    expect(kind("a.md", "application/octet-stream")).toBe("markdown");
    expect(kind("page", "text/html; charset=utf-8")).toBe("html");
    expect(kind("notes", "")).toBe("text");
    expect(kind("doc", "", utf8("<!DOCTYPE html><p>x</p>"))).toBe("html");
    expect(kind("scan", "application/octet-stream", utf8("%PDF-1.7\n"))).toBe("pdf");
    expect(kind("a.csv", "text/csv")).toBe("text");
  });

  it("refuses images, archives, executables and old Office files with 415", () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0]);
    for (const [name, type, bytes] of [
      ["logo.png", "image/png", png],
      ["logo.txt", "text/plain", png],
      ["bundle.zip", "application/zip", new Uint8Array([0x50, 0x4b, 3, 4])],
      ["setup.exe", "application/octet-stream", new Uint8Array([0x4d, 0x5a, 0, 0])],
      ["old.doc", "application/msword", new Uint8Array([0xd0, 0xcf, 0x11, 0xe0])],
    ] as const) {
      const error = thrown(() => detectFileKind({ name, type, bytes }));
      expect(error.status, name).toBe(415);
      expect(error.message).toMatch(/Supported: Markdown/);
    }
  });
});

async function uploadRaw(engine: Engine, form: FormData | string, contentType?: string) {
  const response = await engine.handle(
    new Request("http://x/v2/corpora/kb/upload_file", {
      method: "POST",
      headers: {
        "x-api-key": engine.apiKey,
        ...(contentType ? { "content-type": contentType } : {}),
      },
      body: form,
    }),
  );
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function setup() {
  const fixture = makeEngine();
  await fixture.client.corpora.create({ key: "kb" });
  return fixture;
}

/** Part texts with a `#` before title parts. */
const partTexts = (parts: Array<{ text: string; metadata: Record<string, unknown> }>) =>
  parts.map((p) => (p.metadata.is_title ? `# ${p.text}` : p.text));

describe("upload_file", () => {
  it("indexes Markdown: front matter as metadata, headings as title parts", async () => {
    const { client } = await setup();
    const markdown = [
      "---",
      "title: Password help",
      "audience: customers",
      "---",
      "# Reset",
      "Open settings. Pick security.",
      "## Steps",
      "- Click reset",
      "- Check mail",
    ].join("\n");
    const created = await client.upload.file(
      "kb",
      { name: "password.md", data: utf8(markdown) },
      { metadata: { audience: "staff", source: "upload" } },
    );
    expect(created.id).toBe("password.md");
    expect(created.storage?.bytesUsed).toBeGreaterThan(0);
    const doc = await client.documents.get("kb", "password.md");
    expect(doc.metadata).toEqual({ title: "Password help", audience: "staff", source: "upload" });
    expect(partTexts(doc.parts)).toEqual([
      "# Password help",
      "# Reset",
      "Open settings.",
      "Pick security.",
      "# Steps",
      "Click reset",
      "Check mail",
    ]);
    expect(doc.parts[1]?.metadata).toMatchObject({ is_title: true, lang: "eng" });
  });

  it("indexes HTML without script text, with a chunking strategy and a filename", async () => {
    const { client } = await setup();
    const html = `<html><head><title>Shipping</title><script>alert("x")</script></head>
      <body><h1>Shipping</h1><p>We ship fast. Orders leave in a day. Tracking is included.</p></body></html>`;
    await client.upload.file(
      "kb",
      { name: "ship.html", data: new Blob([html], { type: "text/html" }) },
      {
        filename: "shipping-page",
        chunking_strategy: { type: "max_chars_chunking_strategy", max_chars_per_chunk: 200 },
        table_extraction_config: { extract_tables: true },
      },
    );
    const doc = await client.documents.get("kb", "shipping-page");
    expect(doc.metadata).toEqual({ title: "Shipping" });
    expect(partTexts(doc.parts)).toEqual([
      "# Shipping",
      "We ship fast. Orders leave in a day. Tracking is included.",
    ]);
    expect(JSON.stringify(doc)).not.toContain("alert");
  });

  it("indexes plain text, PDF (with page numbers) and DOCX (with headings)", async () => {
    const { client } = await setup();
    await client.upload.file("kb", {
      name: "notes.txt",
      data: utf8("First note.\n\nSecond note."),
    });
    expect(partTexts((await client.documents.get("kb", "notes.txt")).parts)).toEqual([
      "First note.",
      "Second note.",
    ]);

    await client.upload.file("kb", {
      name: "warranty.pdf",
      data: await makePdf([
        "The warranty lasts two years. Keep your receipt.",
        "Batteries are covered for one year.",
      ]),
    });
    const pdf = await client.documents.get("kb", "warranty.pdf");
    expect(pdf.metadata).toEqual({ title: "Warranty terms" });
    expect(pdf.parts.map((p) => [p.text, p.metadata.page ?? null])).toEqual([
      ["Warranty terms", null],
      ["The warranty lasts two years.", 1],
      ["Keep your receipt.", 1],
      ["Batteries are covered for one year.", 2],
    ]);

    await client.upload.file("kb", {
      name: "returns.docx",
      data: makeDocx([
        { text: "Returns", style: "Heading1" },
        { text: "You can return items within 30 days. Keep the receipt." },
        { text: "Exceptions", style: "Heading2" },
        { text: "Gift cards cannot be returned." },
      ]),
    });
    const docx = await client.documents.get("kb", "returns.docx");
    expect(docx.metadata).toEqual({ title: "Returns" });
    expect(partTexts(docx.parts)).toEqual([
      "# Returns",
      "You can return items within 30 days.",
      "Keep the receipt.",
      "# Exceptions",
      "Gift cards cannot be returned.",
    ]);
  });

  it("answers 413 for a file over 10 MB and 415 for an image", async () => {
    const { client, engine } = await setup();
    const big = new Uint8Array(10 * 1024 * 1024 + 1).fill(0x61);
    const tooBig = (await client.upload
      .file("kb", { name: "big.txt", data: big })
      .catch((e: unknown) => e)) as APIError;
    expect(tooBig.status).toBe(413);
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
    const image = (await client.upload
      .file("kb", { name: "logo.png", data: png, type: "image/png" })
      .catch((e: unknown) => e)) as APIError;
    expect(image.status).toBe(415);
    expect(image.messages[0]).toMatch(/Supported: .*PDF/);
    expect(engine.db.prepare("SELECT COUNT(*) FROM documents").pluck().get()).toBe(0);
  });

  it("answers 400 with field errors for a missing file, bad JSON parts and bad multipart", async () => {
    const { client, engine } = await setup();
    const noFile = new FormData();
    noFile.append("metadata", JSON.stringify({ a: 1 }));
    const missing = await uploadRaw(engine, noFile);
    expect(missing.status).toBe(400);
    expect(missing.body.field_errors).toHaveProperty(["body.file"]);

    const badJson = new FormData();
    badJson.append("file", new Blob(["Hello."]), "a.txt");
    badJson.append("metadata", "{not json");
    expect((await uploadRaw(engine, badJson)).body.field_errors).toHaveProperty(["body.metadata"]);

    const badChunking = new FormData();
    badChunking.append("file", new Blob(["Hello."]), "a.txt");
    badChunking.append(
      "chunking_strategy",
      JSON.stringify({ type: "max_chars_chunking_strategy" }),
    );
    expect((await uploadRaw(engine, badChunking)).body.field_errors).toHaveProperty([
      "body.chunking_strategy.max_chars_per_chunk",
    ]);

    const malformed = await uploadRaw(engine, "garbage", "multipart/form-data; boundary=xyz");
    expect(malformed.status).toBe(400);
    const notMultipart = await uploadRaw(engine, "{}", "application/json");
    expect(notMultipart.status).toBe(400);

    const empty = await client.upload
      .file("kb", { name: "empty.md", data: utf8("---\nauthor: x\n---\n\n  \n") })
      .catch((e: unknown) => e);
    expect(empty).toBeInstanceOf(BadRequestError);
    expect((empty as APIError).fieldErrors).toHaveProperty(["body.file"]);

    const corrupt = await client.upload
      .file("kb", { name: "broken.pdf", data: utf8("%PDF-1.7 but not really") })
      .catch((e: unknown) => e);
    expect((corrupt as APIError).fieldErrors).toHaveProperty(["body.file"]);
    expect(engine.db.prepare("SELECT COUNT(*) FROM documents").pluck().get()).toBe(0);
  });

  it("answers 409 when the file name is already a document id", async () => {
    const { client } = await setup();
    await client.upload.file("kb", { name: "a.txt", data: utf8("One.") });
    await expect(
      client.upload.file("kb", { name: "a.txt", data: utf8("Two.") }),
    ).rejects.toBeInstanceOf(ConflictError);
  });
});
