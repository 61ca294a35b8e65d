import { describe, expect, it } from "vitest";
import { safeNextPath } from "@/app/(staff)/login/schema";

describe("where sign-in goes next", () => {
  it("keeps same-site paths under /agent and /admin", () => {
    expect(safeNextPath("/agent")).toBe("/agent");
    expect(safeNextPath("/agent/chats/cht_1?turn=2#t")).toBe("/agent/chats/cht_1?turn=2#t");
    expect(safeNextPath("/admin?tab=users")).toBe("/admin?tab=users");
  });

  it("sends everything else to /agent", () => {
    for (const next of [
      undefined,
      "",
      "/",
      "/chat/cht_1",
      "/agents",
      "/administrator",
      "//evil.example/agent",
      "/\\evil.example",
      "https://evil.example/agent",
      "/agent/../chat/x",
      "/agent/%2e%2e/chat",
      "/agent\t/x",
      "/agent/\nx",
      "javascript:alert(1)",
    ]) {
      expect(safeNextPath(next), String(next)).toBe("/agent");
    }
  });
});
