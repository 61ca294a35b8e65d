import path from "node:path";
import { describe, expect, it, vi } from "vitest";
import { tempDir, writeTree } from "./support/files";

vi.mock("server-only", () => ({}));
const { listExampleQuestions, resolveExamplesFile } = await import("@/lib/chat/examples");

describe("example questions", () => {
  it("reads and validates the examples file", async () => {
    const dir = tempDir();
    writeTree(dir, {
      "examples.json": JSON.stringify({
        examples: [{ question: " I forgot my password ", article: "authentication/reset.md" }],
      }),
    });
    expect(await listExampleQuestions({ file: path.join(dir, "examples.json") })).toEqual([
      { question: "I forgot my password", article: "authentication/reset.md" },
    ]);
  });

  it("names the file and the problem when it is invalid", async () => {
    const dir = tempDir();
    writeTree(dir, {
      "bad-shape.json": JSON.stringify({ examples: [{ question: "", article: "a.md" }] }),
      "bad-json.json": "{ examples: ",
    });
    await expect(listExampleQuestions({ file: path.join(dir, "bad-shape.json") })).rejects.toThrow(
      /bad-shape\.json is invalid at examples\.0\.question/,
    );
    await expect(listExampleQuestions({ file: path.join(dir, "bad-json.json") })).rejects.toThrow(
      /bad-json\.json is not valid JSON/,
    );
    await expect(listExampleQuestions({ file: path.join(dir, "missing.json") })).rejects.toThrow(
      /Cannot read the example questions in .*missing\.json/,
    );
  });

  it("defaults to the demo KB's file, overridable by PARLEY_EXAMPLES_FILE", () => {
    expect(resolveExamplesFile({})).toBe(path.resolve("content/demo-kb/examples.json"));
    expect(resolveExamplesFile({ PARLEY_EXAMPLES_FILE: "/srv/examples.json" })).toBe(
      "/srv/examples.json",
    );
    expect(resolveExamplesFile({ PARLEY_EXAMPLES_FILE: "  " })).toBe(
      path.resolve("content/demo-kb/examples.json"),
    );
  });
});
