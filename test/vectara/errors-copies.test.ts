import { describe, expect, it, vi } from "vitest";

/**
 * Next bundles lib/vectara into several server bundles; the client kept on globalThis
 * throws the error classes of the bundle that created it. `instanceof` must still work
 * in another bundle's copy, or a route would answer a missing chat with a 500.
 */
describe("error classes across module copies", () => {
  it("recognises errors thrown by another copy of the module, by kind", async () => {
    const a = await import("@/lib/vectara/errors");
    vi.resetModules();
    const b = await import("@/lib/vectara/errors");
    expect(a.NotFoundError).not.toBe(b.NotFoundError);

    const notFound = a.makeAPIError(404, { messages: ["Chat not found"] }, new Headers());
    expect(notFound instanceof b.NotFoundError).toBe(true);
    expect(notFound instanceof b.APIError).toBe(true);
    expect(notFound instanceof b.VectaraError).toBe(true);
    expect(notFound instanceof b.ConflictError).toBe(false);
    expect(notFound instanceof b.ConnectionError).toBe(false);

    const timeout = new a.TimeoutError(100);
    expect(timeout instanceof b.TimeoutError).toBe(true);
    expect(timeout instanceof b.APIError).toBe(false);
    expect(new Error("plain") instanceof b.VectaraError).toBe(false);
    expect((null as unknown as object) instanceof b.VectaraError).toBe(false);
  });
});
