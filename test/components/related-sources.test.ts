import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { PassageDrawer } from "@/components/citations/passage-drawer";
import { RelatedSources } from "@/components/citations/related-sources";
import { citation } from "./fixtures";

describe("RelatedSources", () => {
  it("lists uncited results under 'Also related', without numbers", () => {
    const out = renderToStaticMarkup(
      createElement(RelatedSources, {
        sources: [
          citation(3, { title: "Two-factor sign-in", section: "Backup codes" }),
          citation(5, { title: "Close an account", url: "https://help.acme.com/close" }),
        ],
      }),
    );
    expect(out).toContain("Also related");
    expect(out.match(/data-testid="related-source"/g)).toHaveLength(2);
    expect(out).toContain("Two-factor sign-in");
    expect(out).not.toContain("Backup codes");
    expect(out).toContain('href="https://help.acme.com/close"');
    // Without a URL, the whole article opens in the in-app reader.
    expect(out).toContain('href="/articles/doc-3?quote=the%20matched%20part"');
    // No search rank, no "Source n" and no citation card, so no number to mistake for a marker's.
    expect(out).not.toMatch(/>\s*[35]\s*</);
    expect(out).not.toContain("Source ");
    expect(out).not.toContain("citation-card");
  });

  it("renders nothing without sources, and drops an unsafe URL", () => {
    expect(renderToStaticMarkup(createElement(RelatedSources, { sources: [] }))).toBe("");
    const out = renderToStaticMarkup(
      createElement(RelatedSources, { sources: [citation(2, { url: "javascript:alert(1)" })] }),
    );
    expect(out).not.toContain("javascript");
    expect(out).toContain('href="/articles/doc-2?quote=the%20matched%20part"');
  });
});

describe("PassageDrawer numbering", () => {
  const render = (numbered?: boolean) =>
    renderToStaticMarkup(
      createElement(PassageDrawer, { citation: citation(4), numbered, onClose: () => {} }),
    );

  it("shows a cited source's number, and none for a related one", () => {
    expect(render()).toContain("Source 4: ");
    expect(render(false)).not.toContain("Source 4");
    expect(render(false)).toContain("Related article: ");
    expect(render(false)).not.toMatch(/>4</);
  });
});
