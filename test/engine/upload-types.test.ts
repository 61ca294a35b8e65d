import { strToU8, zipSync } from "fflate";
import { describe, expect, it } from "vitest";
import type { Engine } from "@/lib/engine";
import { detectFileKind } from "@/lib/engine/extract";
import { sniffContent, zipEntryNames } from "@/lib/engine/extract/sniff";
import { makeEngine } from "../support/engine";
import { makeDocx, makePdf } from "../support/files";

/**
 * `upload_file` decides a file's type from its content (docs/engine.md, uploads):
 * formats the engine does not read are 415 however they are named or declared, and a
 * declaration the content contradicts is 415 too. Parts are sent as raw multipart, so
 * a part can have no Content-Type at all (it then reads as text/plain).
 */

const utf8 = (text: string) => new TextEncoder().encode(text);

interface Part {
  name: string;
  filename?: string;
  type?: string;
  data: Uint8Array | string;
}

/** A multipart/form-data body written by hand: a part without `type` has no Content-Type. */
function multipart(parts: Part[]): { body: Uint8Array<ArrayBuffer>; contentType: string } {
  const boundary = "----parley-upload-types";
  const chunks: Uint8Array[] = [];
  for (const part of parts) {
    const disposition = `form-data; name="${part.name}"${
      part.filename === undefined ? "" : `; filename="${part.filename}"`
    }`;
    const head = [`--${boundary}`, `Content-Disposition: ${disposition}`];
    if (part.type !== undefined) head.push(`Content-Type: ${part.type}`);
    chunks.push(utf8(`${head.join("\r\n")}\r\n\r\n`));
    chunks.push(typeof part.data === "string" ? utf8(part.data) : part.data);
    chunks.push(utf8("\r\n"));
  }
  chunks.push(utf8(`--${boundary}--\r\n`));
  return {
    body: new Uint8Array(Buffer.concat(chunks)),
    contentType: `multipart/form-data; boundary=${boundary}`,
  };
}

async function upload(engine: Engine, filename: string, data: Uint8Array | string, type?: string) {
  const { body, contentType } = multipart([{ name: "file", filename, type, data }]);
  const response = await engine.handle(
    new Request("http://x/v2/corpora/kb/upload_file", {
      method: "POST",
      headers: { "x-api-key": engine.apiKey, "content-type": contentType },
      body,
    }),
  );
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function setup() {
  const fixture = makeEngine();
  await fixture.client.corpora.create({ key: "kb" });
  return fixture;
}

async function documentIds(engine: Engine) {
  const response = await engine.handle(
    new Request("http://x/v2/corpora/kb/documents", { headers: { "x-api-key": engine.apiKey } }),
  );
  const { documents } = (await response.json()) as { documents: Array<{ id: string }> };
  return documents.map((d) => d.id);
}

/** Expects Vectara's error shape with a 415 that names what was found and what is supported. */
function expect415(result: { status: number; body: Record<string, unknown> }, what: RegExp) {
  expect(result.status).toBe(415);
  expect(result.body).toEqual({ messages: [expect.any(String)], request_id: expect.any(String) });
  const [message] = result.body.messages as string[];
  expect(message).toMatch(what);
  expect(message).toMatch(/Supported: Markdown/);
}

// ------------------------------------------------------------------ fixtures

const RTF = utf8(
  "{\\rtf1\\ansi\\deff0{\\fonttbl{\\f0 Helvetica;}}\\f0\\pard Refunds take five days.\\par}",
);

/** An OLE2 compound file header (.doc, .xls, .ppt), then zeros and some text. */
function oleFile(): Uint8Array {
  const bytes = new Uint8Array(1536);
  bytes.set([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
  bytes.set(utf8("Refunds take five days."), 1024);
  return bytes;
}

const PPTX = zipSync({
  "[Content_Types].xml": strToU8("<Types/>"),
  "_rels/.rels": strToU8("<Relationships/>"),
  "ppt/presentation.xml": strToU8("<p:presentation/>"),
  "ppt/slides/slide1.xml": strToU8("<p:sld><a:t>Refunds take five days.</a:t></p:sld>"),
});

const ODT = zipSync({
  mimetype: [strToU8("application/vnd.oasis.opendocument.text"), { level: 0 }],
  "META-INF/manifest.xml": strToU8("<manifest:manifest/>"),
  "content.xml": strToU8(
    "<office:document-content>Refunds take five days.</office:document-content>",
  ),
});

const XLSX = zipSync({
  "[Content_Types].xml": strToU8("<Types/>"),
  "xl/workbook.xml": strToU8("<workbook/>"),
});

const PLAIN_ZIP = zipSync({ "readme.txt": strToU8("Refunds take five days.") });

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);

// ------------------------------------------------------------------ tests

describe("upload_file refuses what it cannot read, whatever the name (415)", () => {
  const cases: Array<[string, string, Uint8Array, RegExp]> = [
    ["an RTF file", "terms.rtf", RTF, /RTF document/],
    ["a Word 97 file", "terms.doc", oleFile(), /OLE document/],
    ["a PowerPoint file", "deck.pptx", PPTX, /PowerPoint presentation/],
    ["an OpenDocument text", "terms.odt", ODT, /OpenDocument file/],
    ["an Excel workbook", "prices.xlsx", XLSX, /Excel workbook/],
    ["a plain ZIP", "bundle.zip", PLAIN_ZIP, /ZIP archive that is not a Word document/],
    ["a PNG", "logo.png", PNG, /PNG image/],
  ];

  it.each(cases)("%s without a part Content-Type", async (_what, name, bytes, what) => {
    const { engine } = await setup();
    expect415(await upload(engine, name, bytes), what);
    expect(await documentIds(engine)).toEqual([]);
  });

  it.each(cases)("%s named as text, or with no extension", async (_what, name, bytes, what) => {
    const { engine } = await setup();
    const stem = name.replace(/\.\w+$/, "");
    expect415(await upload(engine, `${stem}.txt`, bytes), what);
    expect415(await upload(engine, `${stem}.md`, bytes, "text/markdown"), what);
    expect415(await upload(engine, stem, bytes, "application/octet-stream"), what);
    expect415(await upload(engine, `${stem}.docx`, bytes), what);
    expect(await documentIds(engine)).toEqual([]);
  });

  it("text that is not UTF-8, or has NUL bytes", async () => {
    const { engine } = await setup();
    const latin1 = new Uint8Array([...utf8("Caf"), 0xe9, ...utf8(" opens at nine.")]);
    expect415(await upload(engine, "menu.txt", latin1), /not UTF-8 text/);
    const utf16NoBom = new Uint8Array([...utf8("Hi")].flatMap((b) => [b, 0]));
    expect415(await upload(engine, "hi.txt", utf16NoBom), /binary data/);
  });

  it("an extension it does not read, even when the content is text", async () => {
    const { engine } = await setup();
    expect415(await upload(engine, "terms.rtf", "Refunds take five days."), /'\.rtf'/);
    expect415(await upload(engine, "data.json", '{"a": 1}'), /'\.json'/);
    expect415(
      await upload(engine, "notes", "Refunds take five days.", "application/msword"),
      /'application\/msword'/,
    );
  });
});

describe("upload_file when the declared type and the content disagree", () => {
  it("refuses text declared as PDF, by Content-Type or by name", async () => {
    const { engine } = await setup();
    const text = "Refunds take five days.";
    expect415(
      await upload(engine, "refunds", text, "application/pdf"),
      /declared as PDF \('application\/pdf'\) but the content is text/,
    );
    expect415(await upload(engine, "refunds.pdf", text), /declared as PDF \('\.pdf'\)/);
    expect415(await upload(engine, "refunds.docx", text), /declared as a Word document/);
    expect(await documentIds(engine)).toEqual([]);
  });

  it("refuses a PDF or a Word document declared as text", async () => {
    const { engine } = await setup();
    const pdf = await makePdf(["Refunds take five days."]);
    const docx = makeDocx([{ text: "Refunds take five days." }]);
    expect415(await upload(engine, "refunds.md", pdf), /declared as Markdown.*content is PDF/);
    expect415(
      await upload(engine, "refunds", docx, "text/html"),
      /declared as HTML.*content is a Word document/,
    );
    expect415(await upload(engine, "refunds.pdf", docx), /declared as PDF.*Word document/);
    expect(await documentIds(engine)).toEqual([]);
  });
});

describe("upload_file still indexes what it reads", () => {
  it("a real DOCX and PDF without a part Content-Type, named or not", async () => {
    const { engine, client } = await setup();
    const docx = makeDocx([
      { text: "Returns", style: "Heading1" },
      { text: "Gift cards cannot be returned." },
    ]);
    const pdf = await makePdf(["The warranty lasts two years."], "Warranty");
    for (const [name, bytes, type] of [
      ["returns.docx", docx, undefined],
      ["returns-unnamed", docx, undefined],
      ["returns-octet", docx, "application/octet-stream"],
      ["warranty.pdf", pdf, undefined],
      ["warranty-unnamed", pdf, undefined],
      ["warranty-typed.pdf", pdf, "application/pdf"],
    ] as const) {
      const result = await upload(engine, name, bytes, type);
      expect(result.status, name).toBe(201);
    }
    const returns = await client.documents.get("kb", "returns-unnamed");
    expect(returns.parts?.map((p) => p.text)).toContain("Gift cards cannot be returned.");
    const warranty = await client.documents.get("kb", "warranty-unnamed");
    expect(warranty.parts?.map((p) => p.text)).toContain("The warranty lasts two years.");
    expect(warranty.metadata.title).toBe("Warranty");
  });

  it("Markdown, HTML and text by name, declaration or content", async () => {
    const { engine, client } = await setup();
    const md = "---\ncategory: billing\n---\n# Refunds\nRefunds take five days.";
    expect((await upload(engine, "refunds.md", md)).status).toBe(201);
    expect((await client.documents.get("kb", "refunds.md")).metadata).toMatchObject({
      category: "billing",
      title: "Refunds",
    });
    const html = "<!doctype html><title>Hours</title><h1>Hours</h1><p>Open at nine.</p>";
    expect((await upload(engine, "hours", html)).status).toBe(201);
    expect((await client.documents.get("kb", "hours")).metadata.title).toBe("Hours");
    expect((await upload(engine, "notes", "Status page.", "text/csv")).status).toBe(201);
    expect((await upload(engine, "release-1.2", "Version notes.")).status).toBe(201);
    const utf16 = new Uint8Array([0xff, 0xfe, ...[...utf8("Hello there.")].flatMap((b) => [b, 0])]);
    expect((await upload(engine, "hello.txt", utf16)).status).toBe(201);
    const cafe = "Café opens at nine. ".repeat(600); // é cut at the 8 KB sniff boundary
    expect((await upload(engine, "cafe.txt", cafe)).status).toBe(201);
  });
});

describe("sniffing", () => {
  it("reads a ZIP's entry names from its central directory only", () => {
    expect(zipEntryNames(makeDocx([{ text: "x" }]))).toContain("word/document.xml");
    expect(zipEntryNames(PPTX)).toEqual(
      new Set([
        "[Content_Types].xml",
        "_rels/.rels",
        "ppt/presentation.xml",
        "ppt/slides/slide1.xml",
      ]),
    );
    // Truncated (no end of central directory), or a directory pointing past the end.
    const docx = makeDocx([{ text: "x" }]);
    expect(zipEntryNames(docx.subarray(0, docx.length - 30))).toBeUndefined();
    const broken = new Uint8Array(docx);
    new DataView(broken.buffer).setUint32(broken.length - 6, broken.length + 10, true);
    expect(zipEntryNames(broken)).toBeUndefined();
    expect(sniffContent(broken)).toEqual({
      kind: "unsupported",
      what: "a ZIP archive whose directory is unreadable",
    });
  });

  it("tells the kinds apart from the first bytes", () => {
    expect(sniffContent(utf8("%PDF-1.7\n"))).toEqual({ kind: "pdf" });
    expect(sniffContent(utf8("\uFEFF  {\\rtf1 x}"))).toMatchObject({ what: "an RTF document" });
    expect(sniffContent(utf8("  <HTML lang=en>"))).toEqual({ kind: "text", html: true });
    expect(sniffContent(utf8("# Title"))).toEqual({ kind: "text", html: false });
    expect(sniffContent(new Uint8Array())).toEqual({ kind: "text", html: false });
  });

  it("is what lib/ingest sees too (no declared MIME type)", () => {
    expect(() => detectFileKind({ name: "a.rtf", type: "", bytes: RTF })).toThrow(/RTF document/);
    expect(() => detectFileKind({ name: "a.txt", type: "", bytes: PPTX })).toThrow(/PowerPoint/);
    expect(detectFileKind({ name: "a.docx", type: "", bytes: makeDocx([{ text: "x" }]) })).toBe(
      "docx",
    );
  });
});
