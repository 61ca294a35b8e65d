import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it, vi } from "vitest";
import { methodNotAllowed, noSuchRoute, otherMethods, ROUTE_METHODS } from "@/lib/http/fallbacks";

/**
 * Issue 14, item 7 (the fuzz run, e2e/fuzz.spec.ts): a method a route handler does not
 * serve, and an API path no route serves, answered in the API error shape. Next.js on its
 * own answers an empty 405 and its HTML not-found page.
 */

vi.mock("server-only", () => ({}));

const root = path.resolve(import.meta.dirname, "../..");

async function errorOf(response: Response) {
  expect(response.headers.get("content-type")).toContain("application/json");
  const body = (await response.json()) as { messages: unknown; request_id: unknown };
  expect(body.messages).toEqual([expect.any(String)]);
  expect(body.request_id).toEqual(expect.any(String));
  return body.messages as string[];
}

describe("route fallbacks", () => {
  it("answers a method the route does not serve with 405, Allow and messages", async () => {
    const response = methodNotAllowed("PATCH", ["GET", "DELETE"]);
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("GET, DELETE, HEAD, OPTIONS");
    expect((await errorOf(response))[0]).toBe("PATCH is not allowed here; use GET or DELETE.");
  });

  it("gives a handler for exactly the methods a route leaves out", async () => {
    const handlers = otherMethods(["POST"]);
    expect(Object.keys(handlers).sort()).toEqual(["DELETE", "GET", "PATCH", "PUT"]);
    const response = handlers.GET(new Request("http://parley.test/api/feedback"));
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("POST, OPTIONS");
    await errorOf(response);
  });

  it("answers an API path nothing serves with a JSON 404", async () => {
    const response = noSuchRoute(new Request(`http://parley.test/api/${"x".repeat(500)}`));
    expect(response.status).toBe(404);
    const [message] = await errorOf(response);
    expect(message?.length).toBeLessThan(260);
  });

  it("is what the catch-all under /api and the staff routes answer", async () => {
    const catchAll = await import("@/app/api/[[...path]]/route");
    for (const method of ROUTE_METHODS) {
      const response = catchAll[method](new Request("http://parley.test/api/nothing", { method }));
      expect(response.status).toBe(404);
      await errorOf(response);
    }
    const notes = await import("@/app/(staff)/api/agent/chats/[chatId]/notes/route");
    const response = notes.GET(new Request("http://parley.test/api/agent/chats/cht_1/notes"));
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("POST, OPTIONS");
  });
});

/** Route files still answering Next.js's empty 405 for other methods, and who is on it. */
function routeFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return routeFiles(full);
    return entry.name === "route.ts" ? [path.relative(root, full)] : [];
  });
}

/** The HTTP methods a route module exports, read from its source. */
function exportedMethods(source: string): Set<string> {
  const names = new Set<string>();
  for (const m of source.matchAll(/export\s+(?:async\s+)?(?:function|const)\s+([A-Z]+)\b/g)) {
    names.add(m[1] as string);
  }
  for (const m of source.matchAll(/export\s+const\s*\{([^}]*)\}/g)) {
    for (const name of (m[1] as string).split(",")) names.add(name.trim());
  }
  return names;
}

describe("every route file", () => {
  const files = routeFiles(path.join(root, "app"));

  it("includes the catch-alls for /api, /v2 and /oauth", () => {
    expect(files).toEqual(
      expect.arrayContaining([
        "app/api/[[...path]]/route.ts",
        "app/(engine)/v2/[[...path]]/route.ts",
        "app/(engine)/oauth/[[...path]]/route.ts",
        "app/(engine)/oauth2/[[...path]]/route.ts",
      ]),
    );
  });

  it.each(files)("%s answers every method itself (none left to Next.js's empty 405)", (file) => {
    const methods = exportedMethods(readFileSync(path.join(root, file), "utf8"));
    for (const method of ROUTE_METHODS) expect(methods, method).toContain(method);
  });
});
