import { describe, expect, it } from "vitest";
import { routeName } from "@/lib/observability/route-name";

describe("routeName", () => {
  it.each([
    ["/", "/"],
    ["/?q=refund", "/"],
    ["/chat/cht_8f2a1b", "/chat/:id"],
    ["/chat/cht_8f2a1b?x=1#top", "/chat/:id"],
    ["/api/chats/cht_12", "/api/chats/:id"],
    ["/api/chats/cht_12/turns/trn_3/stop", "/api/chats/:id/turns/:id/stop"],
    ["/api/agent/chats/cht_1/turns/trn_2/disable", "/api/agent/chats/:id/turns/:id/disable"],
    ["/api/agent/chats/cht_1/export?format=json", "/api/agent/chats/:id/export"],
    ["/agent/chats/cht_1", "/agent/chats/:id"],
    ["/articles/billing/refunds.md", "/articles/:id"],
    ["/articles", "/articles"],
    ["/api/admin/documents/some/doc%20id", "/api/admin/documents/:id"],
    ["/api/admin/documents", "/api/admin/documents"],
    ["/v2/corpora/support_kb/documents/refund-policy", "/v2/corpora/:id/documents/:id"],
    ["/v2/corpora/support_kb/query", "/v2/corpora/:id/query"],
    ["/v2/chats/cht_1/turns", "/v2/chats/:id/turns"],
    ["/api/health?ready=1", "/api/health"],
    ["/_next/static/chunks/abc123.js", "/_next/static/*"],
    ["/wp-login.php", "/:other"],
    ["/api/Some%20Thing", "/api/:id"],
  ])("%s → %s", (url, expected) => {
    expect(routeName(url)).toBe(expected);
  });

  it("never keeps a query string or an id with digits", () => {
    const name = routeName("/api/history/9c1e0f2e-1b7a-4c3f-8d7e-1f2e3d4c5b6a?token=secret");
    expect(name).toBe("/api/history/:id");
    expect(name).not.toContain("secret");
  });
});
