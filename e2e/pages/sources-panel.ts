import type { Locator } from "@playwright/test";

/**
 * An answer's sources as a reader sees them: the numbered source cards, the answer's
 * citation markers, and the unnumbered "Also related" list.
 */
export class SourcesPanel {
  readonly cards: Locator;
  readonly markers: Locator;
  readonly relatedSection: Locator;
  readonly related: Locator;

  constructor(readonly answer: Locator) {
    this.cards = answer.getByTestId("citation-card");
    this.markers = answer.getByTestId("citation-marker");
    this.relatedSection = answer.getByTestId("related-sources");
    this.related = answer.getByTestId("related-source");
  }

  /** The numbers shown on the source cards, top to bottom. */
  async cardNumbers(): Promise<number[]> {
    const texts = await this.cards.getByTestId("citation-number").allTextContents();
    return texts.map((t) => Number(t.trim()));
  }

  /** The cards' `data-citation-index`, top to bottom. */
  async cardIndexes(): Promise<number[]> {
    return this.cards.evaluateAll((els) =>
      els.map((el) => Number(el.getAttribute("data-citation-index"))),
    );
  }

  /** The numbers of the answer's citation markers, in reading order (repeats included). */
  async markerNumbers(): Promise<number[]> {
    return (await this.markers.allTextContents()).map((t) => Number(t.trim()));
  }

  async cardDocuments(): Promise<Array<string | null>> {
    return this.cards.evaluateAll((els) => els.map((el) => el.getAttribute("data-document-id")));
  }

  async relatedDocuments(): Promise<Array<string | null>> {
    return this.related.evaluateAll((els) => els.map((el) => el.getAttribute("data-document-id")));
  }

  /** The answer's text, markers included (each shows as its number). */
  async text(): Promise<string> {
    return (await this.answer.getByTestId("answer-markdown").textContent()) ?? "";
  }
}
