import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { ENGINE_ROUTES } from "@/lib/engine";
import { TOKEN_PATHS } from "@/lib/engine/http/oauth";
import { Router } from "@/lib/engine/http/router";
import { hasSpec, missingSpecReason, specPath } from "../support/reference";

/**
 * docs/engine.md's "API surface" table against the spec and the router: every method and
 * path of Vectara's v2 spec has a row, and every row marked implemented is routed.
 */

const METHODS = ["get", "post", "put", "patch", "delete"];
const ROW =
  /^\|\s*(GET|POST|PUT|PATCH|DELETE)\s*\|\s*`([^`]+)`\s*\|\s*(implemented|not implemented)\s*\|/;

function specOperations(): string[] {
  const spec = parse(readFileSync(specPath, "utf8"), { maxAliasCount: -1 }) as {
    paths: Record<string, Record<string, unknown>>;
  };
  return Object.entries(spec.paths).flatMap(([p, item]) =>
    Object.keys(item)
      .filter((m) => METHODS.includes(m))
      .map((m) => `${m.toUpperCase()} ${p}`),
  );
}

function docRows(): Map<string, "implemented" | "not implemented"> {
  const doc = readFileSync(path.resolve(import.meta.dirname, "../../docs/engine.md"), "utf8");
  const rows = new Map<string, "implemented" | "not implemented">();
  for (const line of doc.split("\n")) {
    const m = ROW.exec(line);
    if (m) rows.set(`${m[1]} ${m[2]}`, m[3] as "implemented" | "not implemented");
  }
  return rows;
}

/** Whether the engine answers `method path` (with sample values in its `{params}`). */
function routed(operation: string): boolean {
  const [method, template] = operation.split(" ") as [string, string];
  const pathname = template.replace(/\{[^}]+\}/g, "x1");
  if (TOKEN_PATHS.has(pathname)) return true;
  try {
    new Router().add(ENGINE_ROUTES).match(method, pathname);
    return true;
  } catch {
    return false;
  }
}

describe.skipIf(!hasSpec)(
  `the engine's API surface (${hasSpec ? "spec found" : missingSpecReason})`,
  () => {
    it("docs/engine.md has a row for every method and path of the spec, and no other", () => {
      const spec = specOperations();
      const rows = docRows();
      expect(spec.length).toBeGreaterThan(90);
      expect(spec.filter((op) => !rows.has(op))).toEqual([]);
      expect([...rows.keys()].filter((op) => !spec.includes(op))).toEqual([]);
    });

    it("every row marked implemented is routed, and every row marked not implemented is not", () => {
      const rows = [...docRows()];
      expect(
        rows.filter(([op, s]) => s === "implemented" && !routed(op)).map(([op]) => op),
      ).toEqual([]);
      expect(
        rows.filter(([op, s]) => s === "not implemented" && routed(op)).map(([op]) => op),
      ).toEqual([]);
    });
  },
);
