import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Engine } from "@/lib/engine";
import type { VectaraClient } from "@/lib/vectara";
import { openDemoKbEngine } from "./support/demo-kb-engine";

/**
 * The demo knowledge base answers customers in their own words: each question, as a
 * customer would type it, must find its article among the top three documents. This
 * guards the articles (and the engine's lexical retrieval) together.
 */

const QUESTIONS: Array<[question: string, article: string]> = [
  ["I forgot my password", "authentication/resetting-your-password.md"],
  ["why was I charged twice?", "billing/duplicate-charges.md"],
  ["can I get a refund on my yearly plan?", "billing/refund-policy.md"],
  ["how do I add a teammate?", "account/inviting-team-members.md"],
  ["how do I export my data?", "account/exporting-your-data.md"],
  ["how do I turn on 2FA?", "authentication/setting-up-two-factor-authentication.md"],
  ["my webhook stopped firing", "integrations/webhook-retries-and-disabled-webhooks.md"],
  ["how do I connect Beacon to Slack?", "integrations/slack-integration.md"],
  ["what does BCN-429 mean?", "troubleshooting/api-rate-limit-429.md"],
  ["I'm not getting any alert emails", "troubleshooting/not-receiving-alert-emails.md"],
  ["Beacon says my site is down but it's up", "troubleshooting/monitor-down-but-site-up.md"],
];

describe("retrieval on the demo knowledge base", () => {
  // One engine for all questions (makeEngine closes its engine after each test).
  let engine: Engine;
  let client: VectaraClient;

  beforeAll(async () => {
    let summary: Awaited<ReturnType<typeof openDemoKbEngine>>["summary"];
    ({ engine, client, summary } = await openDemoKbEngine());
    expect(summary.failed).toEqual([]);
    expect(summary.added).toBeGreaterThanOrEqual(40);
  });

  afterAll(() => engine.close());

  it.each(QUESTIONS)("%s → %s", async (query, article) => {
    const answer = await client.query.corpus("support_kb", { query, search: { limit: 20 } });
    const documents = [...new Set(answer.searchResults.map((r) => r.documentId))];
    expect(documents.slice(0, 3), `top documents: ${documents.slice(0, 5).join(", ")}`).toContain(
      article,
    );
  });
});
