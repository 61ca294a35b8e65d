import { NextRequest } from "next/server";
import { afterAll, describe, expect, it, vi } from "vitest";

const secret = "proxy-test-secret-".repeat(3);
vi.stubEnv("AUTH_SECRET", secret);
const { proxy } = await import("@/proxy");
const { createVisitorToken, VISITOR_COOKIE, verifyVisitorToken } = await import(
  "@/lib/auth/visitor-token"
);

afterAll(() => {
  vi.unstubAllEnvs();
});

describe("the visitor proxy", () => {
  it("mints a signed visitor cookie and shows it to the same request", async () => {
    const response = await proxy(
      new NextRequest("https://parley.example/chat/x", { headers: { cookie: "theme=dark" } }),
    );
    const set = response.cookies.get(VISITOR_COOKIE);
    expect(set).toMatchObject({ httpOnly: true, sameSite: "lax", path: "/", secure: true });
    expect(await verifyVisitorToken({ secret, token: set?.value })).toMatch(/^vis_/);
    // NextResponse.next({ request: { headers } }) forwards overridden request headers this way.
    expect(response.headers.get("x-middleware-override-headers")).toContain("cookie");
    expect(response.headers.get("x-middleware-request-cookie")).toBe(
      `theme=dark; ${VISITOR_COOKIE}=${set?.value}`,
    );
  });

  it("leaves a valid cookie alone and replaces a forged one", async () => {
    const token = await createVisitorToken({ secret });
    const kept = await proxy(
      new NextRequest("http://localhost/", { headers: { cookie: `${VISITOR_COOKIE}=${token}` } }),
    );
    expect(kept.cookies.get(VISITOR_COOKIE)).toBeUndefined();

    const forged = `${token.slice(0, -2)}AA`;
    const replaced = await proxy(
      new NextRequest("http://localhost/", { headers: { cookie: `${VISITOR_COOKIE}=${forged}` } }),
    );
    const fresh = replaced.cookies.get(VISITOR_COOKIE);
    expect(fresh?.value).not.toBe(forged);
    expect(fresh?.secure).toBe(false);
  });
});
