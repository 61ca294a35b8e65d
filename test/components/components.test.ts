import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { FCS_CAUTION_TEXT, FcsBadge } from "@/components/chat/fcs-badge";
import { CopyButton, composeReason, FeedbackControls } from "@/components/chat/feedback-controls";
import { RemovedTurn } from "@/components/chat/removed-turn";
import { ArticleLinksProvider } from "@/components/citations/article-links";
import { CitationCard } from "@/components/citations/citation-card";
import { CitationList } from "@/components/citations/citation-list";
import { Providers } from "@/components/providers";
import { citation } from "./fixtures";

const html = (el: Parameters<typeof renderToStaticMarkup>[0]) => renderToStaticMarkup(el);

describe("CitationCard", () => {
  it("shows the source with its match highlighted and escaped", () => {
    const out = html(
      createElement(CitationCard, {
        citation: citation(3, {
          title: "Reset <b>password</b>",
          section: "Account > Security",
          snippet: {
            before: "To reset, ",
            match: "open <script>Settings</script>",
            after: " then.",
          },
          category: "Account",
          updated: "2026-05-04",
        }),
        active: true,
        onOpenPassage: () => {},
      }),
    );
    expect(out).toContain('data-testid="citation-card"');
    expect(out).toContain('id="citation-3"');
    expect(out).toContain('data-active="true"');
    expect(out).toContain("Reset &lt;b&gt;password&lt;/b&gt;");
    expect(out).toContain("Account &gt; Security");
    // The matched part is one element, so the reader's highlight can be compared with it.
    expect(out).toMatch(
      /To reset, <\/span><span data-testid="citation-passage"><mark[^>]*>open &lt;script&gt;Settings&lt;\/script&gt;<\/mark><\/span><span> then\./,
    );
    expect(out).toContain('<time dateTime="2026-05-04">Updated 4 May 2026</time>');
    expect(out).toContain("Read passage");
    expect(out).not.toContain("Open article");
    // Without a URL, the article opens in the in-app reader.
    expect(out).toContain(
      'href="/articles/doc-3?quote=open%20%3Cscript%3ESettings%3C%2Fscript%3E"',
    );
    expect(out).toContain("Read article");
  });

  it("links to the article when it has a safe URL, and drops an unsafe one", () => {
    const withUrl = html(
      createElement(CitationCard, { citation: citation(1, { url: "https://help.acme.com/a" }) }),
    );
    expect(withUrl).toContain('href="https://help.acme.com/a"');
    expect(withUrl).toContain('rel="noopener noreferrer"');
    expect(withUrl).toContain('target="_blank"');
    expect(withUrl).toContain("Open article");
    expect(withUrl).not.toContain("data-active");

    const unsafe = html(
      createElement(CitationCard, {
        citation: citation(1, { url: "javascript:alert(1)" }),
        onOpenPassage: () => {},
      }),
    );
    expect(unsafe).not.toContain("javascript");
    expect(unsafe).toContain("Read passage");
    expect(unsafe).toContain('href="/articles/doc-1?quote=the%20matched%20part"');
  });

  it("opens the reader, at the part's offset, for a URL that can never be reached", () => {
    const demo = html(
      createElement(CitationCard, {
        citation: citation(2, { url: "https://help.beacon.example/billing/a", offset: 656 }),
      }),
    );
    expect(demo).not.toContain("help.beacon.example");
    expect(demo).toContain('href="/articles/doc-2?passage=656"');
    expect(demo).toContain('aria-label="Read article: Article 2 (opens in a new tab)"');
    // No drawer to open: no dead "Read passage" button.
    expect(demo).not.toContain("Read passage");
  });

  it("follows ARTICLE_LINKS: reader always opens the reader, source follows any URL", () => {
    const card = (setting: "reader" | "source", url: string) =>
      html(
        createElement(
          ArticleLinksProvider,
          { setting },
          createElement(CitationCard, { citation: citation(1, { url, offset: 0 }) }),
        ),
      );
    expect(card("reader", "https://help.acme.com/a")).toContain('href="/articles/doc-1?passage=0"');
    expect(card("reader", "https://help.acme.com/a")).not.toContain("help.acme.com");
    expect(card("source", "https://help.beacon.example/a")).toContain(
      'href="https://help.beacon.example/a"',
    );
  });
});

describe("CitationList", () => {
  it("renders a Sources heading and one card per citation", () => {
    const out = html(
      createElement(CitationList, { citations: [citation(1), citation(4)], activeIndex: 4 }),
    );
    expect(out).toContain("Sources");
    expect(out.match(/data-testid="citation-card"/g)).toHaveLength(2);
    expect(out).toMatch(/data-active="true" id="citation-4"/);
  });

  it("renders nothing without citations", () => {
    expect(html(createElement(CitationList, { citations: [] }))).toBe("");
  });
});

describe("FcsBadge", () => {
  it.each([
    [0.92, "high", "High source support", "92%"],
    [0.55, "medium", "Medium source support", "55%"],
    [0.12, "low", "Low source support", "12%"],
  ])("score %s is %s", (score, level, label, percent) => {
    const out = html(createElement(FcsBadge, { score }));
    expect(out).toContain(`data-level="${level}"`);
    expect(out).toContain(label);
    expect(out).toContain(percent);
    expect(out.includes('data-testid="fcs-caution"')).toBe(level === "low");
  });

  it("says where the score comes from in each mode", () => {
    const inMode = (mode: "local" | "remote") =>
      html(createElement(Providers, { mode }, createElement(FcsBadge, { score: 0.8 })));
    expect(inMode("remote")).toContain("hallucination evaluation model (HHEM)");
    expect(inMode("local")).toContain("built-in engine");
    expect(inMode("local")).not.toContain("HHEM");
  });

  it("follows the server's thresholds (FCS_LOW_THRESHOLD, FCS_HIGH_THRESHOLD)", () => {
    const strict = (score: number) =>
      html(
        createElement(
          Providers,
          { mode: "local", scoreThresholds: { low: 0.8, high: 0.95 } },
          createElement(FcsBadge, { score }),
        ),
      );
    // 0.75 is high by default; under these thresholds it is low, with the caution.
    expect(html(createElement(FcsBadge, { score: 0.75 }))).toContain('data-level="high"');
    expect(strict(0.75)).toContain('data-level="low"');
    expect(strict(0.75)).toContain('data-testid="fcs-caution"');
    expect(strict(0.9)).toContain('data-level="medium"');
    expect(strict(0.95)).toContain('data-level="high"');
    expect(strict(0.9)).toContain("High is 95% or more, Medium 80–94%, Low below 80%.");
  });

  it("says what a low score means, unless the caution is placed elsewhere", () => {
    expect(html(createElement(FcsBadge, { score: 0.1 }))).toContain(
      FCS_CAUTION_TEXT.replace("'", "&#x27;"),
    );
    expect(html(createElement(FcsBadge, { score: 0.1, caution: false }))).not.toContain(
      "fcs-caution",
    );
  });
});

describe("FeedbackControls", () => {
  it("reflects the saved rating in aria-pressed", () => {
    const out = html(
      createElement(FeedbackControls, { value: { rating: "down" }, onSubmit: async () => {} }),
    );
    expect(out).toMatch(
      /aria-pressed="false"[^>]*data-testid="feedback-up"|data-testid="feedback-up"[^>]*aria-pressed="false"/,
    );
    expect(out).toMatch(
      /data-testid="feedback-down"[^>]*aria-pressed="true"|aria-pressed="true"[^>]*data-testid="feedback-down"/,
    );
    expect(out).toContain('aria-label="Helpful"');
    expect(out).toContain('aria-label="Not helpful"');
  });

  it("composes the optional reason", () => {
    expect(composeReason(null, "  ")).toBeUndefined();
    expect(composeReason("Not accurate", "")).toBe("Not accurate");
    expect(composeReason(null, " wrong price ")).toBe("wrong price");
    expect(composeReason("Other", "wrong price")).toBe("Other: wrong price");
    expect(composeReason("Other", "x".repeat(600))).toHaveLength(500);
  });

  it("has a named copy button", () => {
    const out = html(createElement(CopyButton, { text: "hi" }));
    expect(out).toContain('data-testid="copy-answer"');
    expect(out).toContain('aria-label="Copy answer"');
  });
});

describe("RemovedTurn", () => {
  it("says the turn was removed", () => {
    const out = html(createElement(RemovedTurn));
    expect(out).toContain('data-testid="removed-turn"');
    expect(out).toContain("This part of the conversation was removed by a moderator.");
  });
});
