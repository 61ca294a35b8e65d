import { NextRequest } from "next/server";
import { afterAll, describe, expect, it, vi } from "vitest";

const secret = "proxy-path-test-secret-".repeat(2);
vi.stubEnv("AUTH_SECRET", secret);
const { proxy } = await import("@/proxy");
const { createVisitorToken, VISITOR_COOKIE } = await import("@/lib/auth/visitor-token");

afterAll(() => {
  vi.unstubAllEnvs();
});

describe("the proxy's path header", () => {
  it("tells the page which path was asked for, overriding any value the client sent", async () => {
    const token = await createVisitorToken({ secret });
    for (const cookie of [`${VISITOR_COOKIE}=${token}`, ""]) {
      const response = await proxy(
        new NextRequest("https://parley.example/admin/users?tab=2", {
          headers: { cookie, "x-parley-path": "//evil.example" },
        }),
      );
      expect(response.headers.get("x-middleware-override-headers")).toContain("x-parley-path");
      expect(response.headers.get("x-middleware-request-x-parley-path")).toBe("/admin/users?tab=2");
    }
  });
});
