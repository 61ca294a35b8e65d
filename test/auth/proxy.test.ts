import { NextRequest } from "next/server";
import { afterAll, describe, expect, it, vi } from "vitest";

const secret = "proxy-test-secret-".repeat(3);
vi.stubEnv("AUTH_SECRET", secret);
const { proxy } = await import("@/proxy");
const {
  createVisitorToken,
  EMBED_VISITOR_COOKIE,
  NEW_VISITOR_HEADER,
  VISITOR_COOKIE,
  VISITOR_HEADER,
  verifyVisitorToken,
} = await import("@/lib/auth/visitor-token");

/** The request headers the proxy hands on (NextResponse.next's override headers). */
function forwarded(response: Response, name: string): string | null {
  return response.headers.get(`x-middleware-request-${name}`);
}

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

  it("gives the widget's page a partitioned SameSite=None cookie too, and marks the visitor new", async () => {
    const response = await proxy(
      new NextRequest("http://127.0.0.1:3217/embed", {
        headers: { [NEW_VISITOR_HEADER]: "0" },
      }),
    );
    const lax = response.cookies.get(VISITOR_COOKIE);
    const embed = response.cookies.get(EMBED_VISITOR_COOKIE);
    expect(embed).toMatchObject({
      value: lax?.value,
      httpOnly: true,
      sameSite: "none",
      secure: true,
      partitioned: true,
      path: "/",
    });
    expect(forwarded(response, NEW_VISITOR_HEADER)).toBe("1");
    // Any other page: the Lax cookie alone.
    const page = await proxy(new NextRequest("http://127.0.0.1:3217/chat/x"));
    expect(page.cookies.get(EMBED_VISITOR_COOKIE)).toBeUndefined();
  });

  it("takes the frame's partitioned cookie, or its header, as the visitor, and never mints then", async () => {
    const token = await createVisitorToken({ secret });
    for (const headers of <Record<string, string>[]>[
      { cookie: `${EMBED_VISITOR_COOKIE}=${token}` },
      { [VISITOR_HEADER]: token },
    ]) {
      const response = await proxy(
        new NextRequest("http://127.0.0.1:3217/api/history", { headers }),
      );
      expect(response.cookies.get(VISITOR_COOKIE)).toBeUndefined();
      expect(forwarded(response, "cookie")).toContain(`${VISITOR_COOKIE}=${token}`);
      expect(forwarded(response, NEW_VISITOR_HEADER)).toBeNull();
    }
    // A forged header is no visitor: a new one is made, and a client's own "new" mark is dropped.
    const forged = await proxy(
      new NextRequest("http://127.0.0.1:3217/api/history", {
        headers: { [VISITOR_HEADER]: `${token.slice(0, -2)}AA`, [NEW_VISITOR_HEADER]: "1" },
      }),
    );
    expect(forged.cookies.get(VISITOR_COOKIE)?.value).not.toBe(token);
    // The Lax cookie wins over both: a same-site frame shares the full page's visitor.
    const other = await createVisitorToken({ secret });
    const both = await proxy(
      new NextRequest("http://127.0.0.1:3217/api/history", {
        headers: { cookie: `${VISITOR_COOKIE}=${other}`, [VISITOR_HEADER]: token },
      }),
    );
    expect(both.cookies.get(VISITOR_COOKIE)).toBeUndefined();
    expect(forwarded(both, "cookie")).toBe(`${VISITOR_COOKIE}=${other}`);
  });
});
