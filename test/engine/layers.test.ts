import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT, resolve, sourceFiles, specifiers } from "../support/imports";

/**
 * The engine's layering (docs/architecture.md, "Inside lib/engine/"), checked on the
 * source: every import between lib/engine modules, type-only ones included, read with a
 * small regex and resolved to a file.
 */

const ENGINE = path.join(ROOT, "lib/engine");

const rel = (file: string) => path.relative(ENGINE, file).split(path.sep).join("/");

function engineGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sourceFiles(ENGINE)) {
    const targets = new Set<string>();
    for (const spec of specifiers(readFileSync(file, "utf8"))) {
      const target = resolve(file, spec);
      if (target?.startsWith(`${ENGINE}${path.sep}`)) targets.add(rel(target));
    }
    graph.set(rel(file), [...targets].sort());
  }
  return graph;
}

/** Strongly connected components with more than one module, or a module importing itself. */
function cycles(graph: Map<string, string[]>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string) => {
    index.set(v, counter);
    low.set(v, counter);
    counter++;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) as number, low.get(w) as number));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v) as number, index.get(w) as number));
      }
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop() as string;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || graph.get(v)?.includes(v)) found.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

/** Which folders (or root files) each layer may not import. */
const FORBIDDEN: Array<{ layer: string; forbidden: string[] }> = [
  { layer: "core/", forbidden: ["store/", "http/", "services/", "providers/", "worker/"] },
  { layer: "extract/", forbidden: ["store/", "http/", "services/", "providers/", "worker/"] },
  { layer: "store/", forbidden: ["http/", "services/", "worker/"] },
  { layer: "services/", forbidden: ["http/", "worker/"] },
  { layer: "providers/", forbidden: ["http/", "store/", "services/", "worker/"] },
  { layer: "http/", forbidden: ["worker/"] },
];

describe("engine layers", () => {
  const graph = engineGraph();

  it("reads the imports it checks", () => {
    expect(
      specifiers(
        'import {\n  a,\n  type B,\n} from "./x";\nimport type * as C from "../y";\nexport { d } from "./z";\nimport "./side";\nconst e = await import("./lazy");\n// import nothing from "./comment" here\n',
      ),
    ).toEqual(["./x", "../y", "./z", "./side", "./lazy"]);
    // The scan finds the edges it should: a broken regex must not pass silently.
    expect(graph.get("services/search.ts")).toContain("store/search.ts");
    expect(graph.get("http/handlers/chats.ts")).toContain("services/chat.ts");
    expect(graph.get("core/filter/index.ts")).toContain("core/filter/parser.ts");
    expect(graph.size).toBeGreaterThan(80);
    const sample = new Map([
      ["a.ts", ["b.ts"]],
      ["b.ts", ["a.ts", "d.ts"]],
      ["c.ts", ["c.ts"]],
      ["d.ts", []],
    ]);
    expect(cycles(sample)).toEqual([["a.ts", "b.ts"], ["c.ts"]]);
  });

  it("has no import cycle", () => {
    expect(cycles(graph)).toEqual([]);
  });

  it("keeps each layer to the layers below it", () => {
    const violations: string[] = [];
    for (const [file, targets] of graph) {
      for (const rule of FORBIDDEN) {
        if (!file.startsWith(rule.layer)) continue;
        for (const target of targets) {
          if (rule.forbidden.some((f) => target.startsWith(f))) {
            violations.push(`${file} imports ${target}`);
          }
        }
      }
    }
    expect(violations).toEqual([]);
  });

  it("keeps core to itself and the ports", () => {
    const outside = [...graph]
      .filter(([file]) => file.startsWith("core/"))
      .flatMap(([file, targets]) =>
        targets
          .filter((t) => !t.startsWith("core/") && t !== "ports.ts")
          .map((t) => `${file} imports ${t}`),
      );
    expect(outside).toEqual([]);
  });

  it("keeps the ports free of engine imports", () => {
    expect(graph.get("ports.ts")).toEqual([]);
  });
});
