import { readFileSync } from "node:fs";
import path from "node:path";
import { Script } from "node:vm";
import { gzipSync } from "node:zlib";
import ts from "typescript";
import { describe, expect, it } from "vitest";

/**
 * public/widget.js has no build step: it is served as written to any website. These checks
 * stand in for a compiler: the project's tsc does not read .js files (allowJs is off), so its
 * `// @ts-check` JSDoc types are checked here, and its size against the issue's budget.
 * Its behaviour in a browser is e2e/widget.spec.ts's.
 */

const FILE = path.join(process.cwd(), "public/widget.js");
const source = readFileSync(FILE, "utf8");

describe("public/widget.js", () => {
  it("type-checks as strict JavaScript (its // @ts-check JSDoc types)", () => {
    expect(source.startsWith("// @ts-check\n")).toBe(true);
    const program = ts.createProgram([FILE], {
      allowJs: true,
      checkJs: true,
      noEmit: true,
      strict: true,
      noUncheckedIndexedAccess: true,
      target: ts.ScriptTarget.ES2020,
      lib: ["lib.es2020.d.ts", "lib.dom.d.ts", "lib.dom.iterable.d.ts"],
      types: [],
      skipLibCheck: true,
    });
    const problems = ts.getPreEmitDiagnostics(program).map((d) => {
      const where =
        d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : undefined;
      const message = ts.flattenDiagnosticMessageText(d.messageText, "\n");
      return where ? `${where.line + 1}:${where.character + 1} ${message}` : message;
    });
    expect(problems).toEqual([]);
  });

  it("is a classic script (no import or export), so a plain <script> tag runs it", () => {
    expect(() => new Script(source, { filename: FILE })).not.toThrow();
  });

  it("stays within the 15 kB gzip budget", () => {
    const gzip = gzipSync(Buffer.from(source), { level: 9 }).length;
    expect(gzip).toBeLessThanOrEqual(15_000);
  });
});
