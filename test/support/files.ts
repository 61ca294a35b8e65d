import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { strToU8, zipSync } from "fflate";
import { PDFDocument, StandardFonts } from "pdf-lib";
import { afterEach } from "vitest";

const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A temporary directory, removed after the test. */
export function tempDir(prefix = "parley-ingest-"): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

/** Writes `files` (relative path → content) under `root`, creating folders. */
export function writeTree(root: string, files: Record<string, string | Uint8Array>): void {
  for (const [rel, content] of Object.entries(files)) {
    const abs = path.join(root, rel);
    mkdirSync(path.dirname(abs), { recursive: true });
    writeFileSync(abs, content);
  }
}

export async function makePdf(lines: string[], title = "Warranty terms"): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  pdf.setTitle(title);
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  for (const line of lines) {
    pdf.addPage().drawText(line, { x: 50, y: 700, size: 12, font });
  }
  return pdf.save();
}

/** A paragraph of a generated DOCX; `style` names a heading style such as `Heading1`. */
export interface DocxParagraph {
  text: string;
  style?: "Heading1" | "Heading2";
}

/** A real, minimal DOCX (the OOXML parts mammoth reads), zipped in memory. */
export function makeDocx(paragraphs: DocxParagraph[]): Uint8Array {
  const W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"';
  const rels = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
  const para = ({ text, style }: DocxParagraph) =>
    `<w:p>${style ? `<w:pPr><w:pStyle w:val="${style}"/></w:pPr>` : ""}<w:r><w:t xml:space="preserve">${text}</w:t></w:r></w:p>`;
  const headingStyle = (id: string, name: string) =>
    `<w:style w:type="paragraph" w:styleId="${id}"><w:name w:val="${name}"/></w:style>`;
  return zipSync({
    "[Content_Types].xml": strToU8(
      `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/></Types>`,
    ),
    "_rels/.rels": strToU8(
      `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${rels}/officeDocument" Target="word/document.xml"/></Relationships>`,
    ),
    "word/_rels/document.xml.rels": strToU8(
      `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${rels}/styles" Target="styles.xml"/></Relationships>`,
    ),
    "word/styles.xml": strToU8(
      `<?xml version="1.0" encoding="UTF-8"?><w:styles ${W}>${headingStyle("Heading1", "heading 1")}${headingStyle("Heading2", "heading 2")}</w:styles>`,
    ),
    "word/document.xml": strToU8(
      `<?xml version="1.0" encoding="UTF-8"?><w:document ${W}><w:body>${paragraphs.map(para).join("")}</w:body></w:document>`,
    ),
  });
}

/**
 * A folder with one file of every supported kind, two that must fail (a corrupt PDF
 * and a PNG) and three that must be ignored (a dotfile, a dot-folder, node_modules).
 */
export async function writeMixedFolder(root: string): Promise<void> {
  writeTree(root, {
    "billing/refund-policy.md": [
      "---",
      "title: Refund policy",
      "category: billing",
      "product_area: plans",
      "url: https://help.example.com/refunds",
      "updated: 2026-01-15",
      "---",
      "# Refund policy",
      "Yearly plans can be refunded within 30 days of purchase.",
      "",
      "## Monthly plans",
      "Monthly plans are not refunded, but you can cancel at any time.",
    ].join("\n"),
    "guides/welcome.html":
      "<html><head><title>Welcome guide</title></head><body><nav>menu</nav><h1>Welcome</h1><p>Invite a teammate from the members page.</p></body></html>",
    "notes.txt": "Status page subscriptions send an email for every incident.",
    "legal/warranty.pdf": await makePdf([
      "The warranty lasts two years. Keep your receipt.",
      "Batteries are covered for one year.",
    ]),
    "legal/returns.docx": makeDocx([
      { text: "Returns", style: "Heading1" },
      { text: "Gift cards cannot be returned." },
    ]),
    "legal/broken.pdf": "%PDF-1.7\nthis is not really a PDF\n%%EOF\n",
    "images/logo.png": new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]),
    ".hidden.md": "# Hidden\nQuuxzanzibar is secret.",
    ".git/config.md": "# Git\nQuuxzanzibar is secret.",
    "node_modules/pkg/readme.md": "# Package\nQuuxzanzibar is secret.",
  });
}

export const MIXED_INDEXED = [
  "billing/refund-policy.md",
  "guides/welcome.html",
  "legal/returns.docx",
  "legal/warranty.pdf",
  "notes.txt",
];
export const MIXED_FAILING = ["images/logo.png", "legal/broken.pdf"];
