import { describe, expect, it } from "vitest";
import {
  articleHref,
  articleLinkFor,
  articlePath,
  documentIdFromSegments,
  isReachableUrl,
  MAX_QUOTE_CHARS,
  quoteOf,
} from "@/lib/chat/article-links";
import { ConfigError, loadConfig } from "@/lib/config";

/**
 * What the page's params hold for a path: Next splits the path, decodes each segment to
 * match the route and hands it to the page encoded again.
 */
function segmentsOf(path: string): string[] {
  const url = new URL(path, "http://parley.test");
  return url.pathname
    .replace(/^\/articles\//, "")
    .split("/")
    .map((s) => encodeURIComponent(decodeURIComponent(s)));
}

describe("article ids in URLs", () => {
  const ids = [
    "billing/comparing-plans.md",
    "plain",
    "with space & ?query#hash.md",
    "percent%20literal/ünïcode/日本語",
    "a//double",
    "/leading",
    "trailing/",
    "dots/../up",
    "./here",
  ];
  for (const id of ids) {
    it(`round-trips ${JSON.stringify(id)} through a URL`, () => {
      const path = articlePath(id);
      expect(path.startsWith("/articles/")).toBe(true);
      // The URL parser must not rewrite it (dot segments, `?`, `#`).
      expect(new URL(path, "http://parley.test").pathname).toBe(path);
      expect(documentIdFromSegments(segmentsOf(path))).toBe(id);
    });
  }

  it("keeps slashes as path segments for ordinary ids", () => {
    expect(articlePath("billing/comparing-plans.md")).toBe("/articles/billing/comparing-plans.md");
  });

  it("refuses what cannot be a document id", () => {
    expect(documentIdFromSegments([])).toBeNull();
    expect(documentIdFromSegments("billing")).toBeNull();
    expect(documentIdFromSegments([""])).toBeNull();
    expect(documentIdFromSegments(["a%00b"])).toBeNull();
    expect(documentIdFromSegments(["bad%E0%A4%A"])).toBeNull();
    expect(documentIdFromSegments(["x".repeat(513)])).toBeNull();
    expect(documentIdFromSegments(["x".repeat(512)])).toBe("x".repeat(512));
    expect(documentIdFromSegments(["%78".repeat(512)])).toBe("x".repeat(512));
  });
});

describe("the reader's passage link", () => {
  it("names the passage by its offset when the citation has one", () => {
    expect(articleHref({ documentId: "a/b.md", offset: 656, quote: "ignored" })).toBe(
      "/articles/a/b.md?passage=656",
    );
  });

  it("falls back to the passage's first words, collapsed and cut at a word", () => {
    const href = articleHref({ documentId: "a.md", quote: "  Open   the\n\nemail  " });
    expect(href).toBe("/articles/a.md?quote=Open%20the%20email");
    const long = `${"word ".repeat(100)}end`;
    const quote = quoteOf(long);
    expect(quote.length).toBeLessThanOrEqual(MAX_QUOTE_CHARS);
    expect(quote.endsWith("word")).toBe(true);
    expect(articleHref({ documentId: "a.md" })).toBe("/articles/a.md");
  });
});

describe("where an article link goes", () => {
  const base = {
    documentId: "kb/a.md",
    offset: 10,
    snippet: { before: "", match: "x", after: "" },
  };
  const real = "https://help.acme.com/a";
  const demo = "https://help.beacon.example/billing/a";

  it("knows reserved example domains never resolve", () => {
    expect(isReachableUrl(real)).toBe(true);
    expect(isReachableUrl(demo)).toBe(false);
    expect(isReachableUrl("https://example.com/x")).toBe(false);
    expect(isReachableUrl("https://docs.example.org./x")).toBe(false);
    expect(isReachableUrl("http://intranet.test/x")).toBe(false);
    expect(isReachableUrl("http://localhost:3000/x")).toBe(false);
    expect(isReachableUrl("https://examples.com/x")).toBe(true);
    expect(isReachableUrl("javascript:alert(1)")).toBe(false);
    expect(isReachableUrl("not a url")).toBe(false);
  });

  it("auto: the reader without a reachable URL, the URL otherwise", () => {
    expect(articleLinkFor(base, "auto")).toEqual({
      kind: "reader",
      href: "/articles/kb/a.md?passage=10",
    });
    expect(articleLinkFor({ ...base, url: demo }, "auto")).toEqual({
      kind: "reader",
      href: "/articles/kb/a.md?passage=10",
    });
    expect(articleLinkFor({ ...base, url: real }, "auto")).toEqual({ kind: "source", href: real });
  });

  it("reader: always the reader, keeping a reachable original", () => {
    expect(articleLinkFor({ ...base, url: real }, "reader")).toEqual({
      kind: "reader",
      href: "/articles/kb/a.md?passage=10",
      url: real,
    });
    expect(articleLinkFor({ ...base, url: demo }, "reader")).toEqual({
      kind: "reader",
      href: "/articles/kb/a.md?passage=10",
    });
  });

  it("source: any URL there is, the reader only without one", () => {
    expect(articleLinkFor({ ...base, url: demo }, "source")).toEqual({
      kind: "source",
      href: demo,
    });
    expect(articleLinkFor(base, "source").kind).toBe("reader");
  });
});

describe("ARTICLE_LINKS", () => {
  it("defaults to auto and reads any case", () => {
    expect(loadConfig({}).articleLinks).toBe("auto");
    expect(loadConfig({ ARTICLE_LINKS: "" }).articleLinks).toBe("auto");
    expect(loadConfig({ ARTICLE_LINKS: " Reader " }).articleLinks).toBe("reader");
    expect(loadConfig({ ARTICLE_LINKS: "source" }).articleLinks).toBe("source");
  });

  it("refuses anything else, naming the choices", () => {
    expect(() => loadConfig({ ARTICLE_LINKS: "always" })).toThrow(ConfigError);
    expect(() => loadConfig({ ARTICLE_LINKS: "always" })).toThrow(
      /ARTICLE_LINKS must be auto, reader or source \(got "always"\)/,
    );
  });
});
