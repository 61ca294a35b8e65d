import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { AnswerMarkdown } from "@/components/chat/markdown";
import type { Citation } from "@/lib/chat/messages";
import { citation } from "./fixtures";

function render(text: string, citations: Citation[] = [], activeCitation?: number): string {
  return renderToStaticMarkup(
    createElement(AnswerMarkdown, {
      text,
      citations,
      onCitationClick: () => {},
      activeCitation,
    }),
  );
}

function markers(html: string): string[] {
  return [...html.matchAll(/<button[^>]*data-testid="citation-marker"[^>]*>(\d+)<\/button>/g)].map(
    (m) => m[1] ?? "",
  );
}

describe("AnswerMarkdown security", () => {
  it("never renders raw HTML from the answer", () => {
    const html = render(
      'Hi <script>alert(1)</script> <img src=x onerror=alert(1)>\n\n<div onclick="x()">block</div>\n\n<iframe src="https://evil.test"></iframe>',
    );
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<img/i);
    expect(html).not.toMatch(/<iframe/i);
    expect(html).not.toMatch(/onerror|onclick/i);
    expect(html).toContain("Hi");
  });

  it("drops javascript:, data: and relative links but keeps their text", () => {
    const html = render(
      "[a](javascript:alert(1)) [b](JAVASCRIPT:alert(1)) [c](data:text/html,x) [d](/admin) [e](&#106;avascript:alert(1))",
    );
    expect(html).not.toMatch(/href=/);
    expect(html).not.toMatch(/javascript|data:/i);
    for (const word of ["a", "b", "c", "d", "e"]) expect(html).toContain(`<span>${word}</span>`);
  });

  it("opens http(s) and mailto links in a new tab without referrer or follow", () => {
    const html = render(
      "[docs](https://help.example.com/a) and <https://x.test> [m](mailto:s@x.test)",
    );
    expect(html).toContain('href="https://help.example.com/a"');
    expect(html).toContain('href="https://x.test/"');
    expect(html).toContain('href="mailto:s@x.test"');
    expect(html.match(/target="_blank"/g)).toHaveLength(3);
    expect(html.match(/rel="noopener noreferrer nofollow"/g)).toHaveLength(3);
  });

  it("shows an image's alt text instead of fetching it", () => {
    const html = render("![a diagram](https://tracker.test/pixel.gif)");
    expect(html).not.toMatch(/<img/);
    expect(html).not.toContain("tracker.test");
    expect(html).toContain("[a diagram]");
  });
});

describe("AnswerMarkdown citation markers", () => {
  const sources = [citation(1, { title: "Reset a password" }), citation(2, { title: "Billing" })];

  it("makes buttons only for sources that exist", () => {
    const html = render("Do this [2]. Not this [3].", sources);
    expect(markers(html)).toEqual(["2"]);
    expect(html).toContain('aria-label="Source 2: Billing"');
    expect(html).toContain("Not this [3].");
  });

  it("handles grouped and adjacent markers", () => {
    expect(markers(render("One [1, 2] two [2][1]", sources))).toEqual(["1", "2", "2", "1"]);
  });

  it("leaves markers inside code alone", () => {
    const html = render("Use `arr[1]` here\n\n```\nx[2]\n```", sources);
    expect(markers(html)).toEqual([]);
    expect(html).toContain("arr[1]");
    expect(html).toContain("x[2]");
  });

  it("marks the active citation", () => {
    const html = render("A [1] B [2]", sources, 2);
    expect(html).toMatch(/data-active="true"[^>]*aria-label="Source 2: Billing"/);
    expect(html.match(/data-active/g)).toHaveLength(1);
  });

  it("escapes a hostile source title in the accessible name", () => {
    const html = render("x [1]", [citation(1, { title: '"><script>alert(1)</script>' })]);
    expect(html).not.toMatch(/<script/);
  });

  it("renders GFM tables and lists", () => {
    const html = render("| a | b |\n| - | - |\n| 1 | 2 |\n\n- one\n- two ~~old~~");
    expect(html).toContain("<table");
    expect(html).toContain("<ul");
    expect(html).toContain("<del>old</del>");
  });
});
