import path from "node:path";
import { describe, expect, it } from "vitest";
import { imports, ROOT, read, repoPath, resolve, sourceFiles } from "./support/imports";

/**
 * The import rules of docs/architecture.md ("Modules and what each may import"), checked
 * on every import of the app's source, type-only ones included. A forbidden import fails
 * `npm test` with the file, the import and the rule it breaks. The engine's own layers
 * are checked by test/engine/layers.test.ts.
 *
 * Each folder lists what it may import, as path prefixes; its own folder is always
 * allowed, and packages are not checked here.
 */
const RULES: Record<string, readonly string[]> = {
  "app/": [
    "components/",
    "lib/chat/",
    "lib/staff/",
    "lib/admin/",
    "lib/auth/",
    "lib/server/",
    "lib/http/",
    "lib/observability/",
    "lib/config.ts",
    "package.json",
  ],
  "components/": [
    "lib/chat/",
    "lib/staff/",
    "lib/admin/",
    "lib/auth/",
    "lib/http/errors.ts",
    "lib/config.ts",
  ],
  "lib/chat/": [
    "lib/vectara/",
    "lib/db/",
    "lib/http/",
    "lib/observability/",
    "lib/config.ts",
    "lib/engine/core/",
    "lib/ingest/kb.ts",
  ],
  "lib/staff/": [
    "lib/chat/",
    "lib/auth/",
    "lib/vectara/",
    "lib/db/",
    "lib/http/",
    "lib/observability/",
    "lib/config.ts",
    "lib/engine/core/",
  ],
  "lib/admin/": ["lib/vectara/", "lib/http/", "lib/observability/", "lib/config.ts"],
  "lib/auth/": ["lib/db/", "lib/http/", "lib/observability/", "lib/config.ts"],
  "lib/server/": [
    "lib/vectara/",
    "lib/ingest/",
    "lib/db/",
    "lib/observability/",
    "lib/config.ts",
    "lib/engine/index.ts",
    "lib/engine/providers/",
    "lib/engine/worker/pool.ts",
  ],
  "lib/http/": ["lib/vectara/", "lib/observability/", "lib/config.ts"],
  "lib/db/": ["lib/observability/", "lib/config.ts"],
  "lib/observability/": ["lib/config.ts"],
  "lib/vectara/": [],
  "lib/engine/": [],
  "lib/ingest/": ["lib/vectara/", "lib/engine/extract/", "lib/engine/core/"],
  "lib/config.ts": [],
  "cli/": [
    "lib/auth/",
    "lib/db/",
    "lib/vectara/",
    "lib/ingest/",
    "lib/config.ts",
    "lib/engine/index.ts",
  ],
  "proxy.ts": [
    "lib/auth/visitor-token.ts",
    "lib/auth/secret-file.ts",
    "lib/http/",
    "lib/config.ts",
  ],
  "instrumentation.ts": ["instrumentation-node.ts"],
  "instrumentation-node.ts": ["lib/server/", "lib/auth/", "lib/observability/", "lib/config.ts"],
};

const folderOf = (file: string): string | undefined =>
  Object.keys(RULES)
    .filter((f) => file === f || (f.endsWith("/") && file.startsWith(f)))
    .sort((a, b) => b.length - a.length)[0];

const SERVER_ONLY = /^\s*import\s+["']server-only["']/m;

/** Why importing `to` from `from` breaks a rule, or undefined when it may. */
function ruleBroken(
  from: string,
  to: string,
  { typeOnly = false, serverOnly = false } = {},
): string | undefined {
  const folder = folderOf(from);
  if (!folder) return undefined;
  if (folder.endsWith("/") && to.startsWith(folder)) return undefined;
  const allowed = RULES[folder] ?? [];
  if (!allowed.some((prefix) => to === prefix || (prefix.endsWith("/") && to.startsWith(prefix)))) {
    return `${folder} may import only ${allowed.join(", ") || "nothing of the app"}`;
  }
  // The browser bundle must never load a server-only module; its types are fine.
  if (folder === "components/" && serverOnly && !typeOnly) {
    return "components/ may import a server-only module's types, never its values";
  }
  return undefined;
}

const CHECKED = [
  "app",
  "components",
  "lib",
  "cli",
  "proxy.ts",
  "instrumentation.ts",
  "instrumentation-node.ts",
];

function violations(): string[] {
  const found: string[] = [];
  for (const dir of CHECKED) {
    for (const file of sourceFiles(path.join(ROOT, dir))) {
      const from = repoPath(file);
      for (const ref of imports(read(file))) {
        const target = resolve(file, ref.spec);
        if (!target) continue;
        const to = repoPath(target);
        const broken = ruleBroken(from, to, {
          typeOnly: ref.typeOnly,
          serverOnly: /\.tsx?$/.test(to) && SERVER_ONLY.test(read(target)),
        });
        if (broken) found.push(`${from} imports ${ref.spec}: ${broken}`);
      }
    }
  }
  return found;
}

describe("architecture: what each folder may import", () => {
  it("every import of the app keeps to docs/architecture.md's rules", () => {
    expect(violations()).toEqual([]);
  });

  it("says which rule a forbidden import breaks", () => {
    expect(ruleBroken("app/(chat)/api/history/route.ts", "lib/db/index.ts")).toMatch(
      /^app\/ may import only components\//,
    );
    expect(ruleBroken("lib/chat/conversations.ts", "lib/server/vectara.ts")).toBeDefined();
    expect(ruleBroken("lib/auth/staff.ts", "lib/chat/errors.ts")).toBeDefined();
    expect(ruleBroken("components/staff/staff-shell.tsx", "app/(staff)/actions.ts")).toBeDefined();
    expect(ruleBroken("cli/app-clients.ts", "lib/engine/store/db.ts")).toBeDefined();
    expect(
      ruleBroken("components/chat/chat.tsx", "lib/chat/conversations.ts", { serverOnly: true }),
    ).toMatch(/never its values/);
    expect(
      ruleBroken("components/chat/chat.tsx", "lib/chat/conversations.ts", {
        serverOnly: true,
        typeOnly: true,
      }),
    ).toBeUndefined();
    expect(ruleBroken("app/(staff)/admin/page.tsx", "lib/admin/corpus.ts")).toBeUndefined();
  });

  it("has no cycle between folders: the rules themselves are a hierarchy", () => {
    const folders = Object.keys(RULES);
    const edges = (folder: string) =>
      folders.filter(
        (other) =>
          other !== folder &&
          (RULES[folder] ?? []).some(
            (p) => p === other || other.startsWith(p) || p.startsWith(other),
          ),
      );
    const state = new Map<string, "visiting" | "done">();
    const cycles: string[] = [];
    const visit = (folder: string, trail: string[]) => {
      if (state.get(folder) === "done") return;
      if (state.get(folder) === "visiting") {
        cycles.push([...trail, folder].join(" → "));
        return;
      }
      state.set(folder, "visiting");
      for (const next of edges(folder)) visit(next, [...trail, folder]);
      state.set(folder, "done");
    };
    for (const folder of folders) visit(folder, []);
    expect(cycles).toEqual([]);
  });
});
