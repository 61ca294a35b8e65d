import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  createVisitorId,
  createVisitorToken,
  VISITOR_COOKIE,
  verifyVisitorToken,
  visitorCookieOptions,
  withVisitorCookie,
} from "@/lib/auth/visitor-token";

const secret = `${"s".repeat(32)}-test-secret`;
const otherSecret = `${"o".repeat(32)}-other-secret`;

/** Changes one character at `index` to a different base64url character. */
function flip(text: string, index: number): string {
  const c = text[index] === "A" ? "B" : "A";
  return text.slice(0, index) + c + text.slice(index + 1);
}

describe("visitor tokens", () => {
  it("round-trips a new visitor id", async () => {
    const token = await createVisitorToken({ secret });
    expect(token).toMatch(/^v1\.vis_[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$/);
    const visitorId = token.split(".")[1];
    expect(await verifyVisitorToken({ secret, token })).toBe(visitorId);
  });

  it("signs a given visitor id, and mints distinct ids", async () => {
    const visitorId = createVisitorId();
    expect(createVisitorId()).not.toBe(visitorId);
    const token = await createVisitorToken({ secret, visitorId });
    expect(await verifyVisitorToken({ secret, token })).toBe(visitorId);
    await expect(createVisitorToken({ secret, visitorId: "admin" })).rejects.toThrow();
  });

  it("rejects a tampered id, a tampered signature, a wrong version and another secret", async () => {
    const token = await createVisitorToken({ secret });
    const [, id = "", sig = ""] = token.split(".");
    const tamperedId = `v1.${flip(id, 6)}.${sig}`;
    const tamperedSig = `v1.${id}.${flip(sig, 10)}`;
    // The last character carries spare bits: a variant decoding to the same bytes must fail too.
    const lastCharVariant = `v1.${id}.${flip(sig, 42)}`;
    for (const bad of [tamperedId, tamperedSig, lastCharVariant, `v2.${id}.${sig}`, `${token}.`]) {
      expect(await verifyVisitorToken({ secret, token: bad })).toBeNull();
    }
    expect(await verifyVisitorToken({ secret: otherSecret, token })).toBeNull();
  });

  it("returns null, never throws, for arbitrary input", async () => {
    const valid = await createVisitorToken({ secret });
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.anything(),
          fc.string(),
          fc.string({ unit: "grapheme", maxLength: 200 }),
          fc.constantFrom("", "v1", "v1..", "v1.vis_.x", `${valid} `, ` ${valid}`, valid.repeat(2)),
        ),
        async (input) => {
          expect(await verifyVisitorToken({ secret, token: input })).toBeNull();
        },
      ),
      { numRuns: 300 },
    );
  });

  it("refuses to sign with a short secret", async () => {
    await expect(createVisitorToken({ secret: "short" })).rejects.toThrow(/at least 32/);
  });
});

describe("the visitor cookie", () => {
  it("is Secure when the caller says the browser used https", () => {
    expect(visitorCookieOptions({ secure: false })).toEqual({
      httpOnly: true,
      sameSite: "lax",
      path: "/",
      secure: false,
      maxAge: 400 * 24 * 3600,
    });
    expect(visitorCookieOptions({ secure: true }).secure).toBe(true);
  });

  it("replaces only the visitor cookie in a request's Cookie header", () => {
    expect(withVisitorCookie(null, "tok")).toBe(`${VISITOR_COOKIE}=tok`);
    expect(withVisitorCookie(`a=1; ${VISITOR_COOKIE}=old; b=x%20y`, "tok")).toBe(
      `a=1; b=x%20y; ${VISITOR_COOKIE}=tok`,
    );
  });
});
