import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";

/**
 * The repository's import graph, read from the source for the boundary tests
 * (test/architecture.test.ts, test/engine/layers.test.ts): every import, type-only ones
 * included, found with a small regex and resolved to a file.
 */

export const ROOT = path.resolve(import.meta.dirname, "../..");
const SOURCE = /\.(ts|tsx|mts|mjs|js)$/;

export function sourceFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  if (statSync(dir).isFile()) return SOURCE.test(dir) ? [dir] : [];
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return SOURCE.test(name) ? [full] : [];
  });
}

export interface ImportRef {
  spec: string;
  /** `import type …` / `export type …`: erased at build, so never loads the module. */
  typeOnly: boolean;
}

/** Every module specifier of a file: `import … from`, `export … from`, bare `import "…"`, `import("…")`. */
export function imports(source: string): ImportRef[] {
  const patterns = [
    // Between the keyword and `from` only names, braces, commas, `*` and whitespace
    // (so `type`, `as`), over as many lines as the list takes.
    /^\s*(?:import|export)\s([\w\s{},*$]*?)\bfrom\s*["']([^"']+)["']/gm,
    /^\s*import\s*()["']([^"']+)["']/gm,
    /\bimport\(\s*()["']([^"']+)["']\s*\)/g,
  ];
  return patterns.flatMap((re) =>
    [...source.matchAll(re)].map((m) => ({
      spec: m[2] as string,
      typeOnly: /^\s*type\s/.test(m[1] ?? ""),
    })),
  );
}

/** Every module specifier of a file. */
export function specifiers(source: string): string[] {
  return imports(source).map((i) => i.spec);
}

/** The file `spec` names, seen from `from`; undefined for a package. */
export function resolve(from: string, spec: string): string | undefined {
  let base: string;
  if (spec.startsWith("@/")) base = path.join(ROOT, spec.slice(2));
  else if (spec.startsWith(".")) base = path.resolve(path.dirname(from), spec);
  else return undefined; // a package
  const candidates = [
    base,
    ...[".ts", ".tsx", ".mts", ".mjs", ".js"].map((ext) => base + ext),
    base.replace(/\.js$/, ".ts"),
    path.join(base, "index.ts"),
  ];
  return candidates.find((c) => existsSync(c) && statSync(c).isFile());
}

/** A path relative to the repository, with `/`. */
export const repoPath = (file: string) => path.relative(ROOT, file).split(path.sep).join("/");

export const read = (file: string) => readFileSync(file, "utf8");
