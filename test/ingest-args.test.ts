import { describe, expect, it } from "vitest";
import { parseIngestArgs, UsageError } from "@/cli/ingest-args";

describe("ingest CLI arguments", () => {
  it("reads paths, flags, repeated metadata and the chunking strategy", () => {
    expect(
      parseIngestArgs([
        "docs",
        "--corpus",
        "kb",
        "notes/a.md",
        "--metadata",
        "team=support",
        "--metadata=source=wiki=v2",
        "--chunking",
        "max_chars:800",
        "--create",
        "--prune",
        "--dry-run",
      ]),
    ).toEqual({
      help: false,
      paths: ["docs", "notes/a.md"],
      corpus: "kb",
      create: true,
      metadata: { team: "support", source: "wiki=v2" },
      chunking: { maxChars: 800 },
      prune: true,
      dryRun: true,
    });
    expect(parseIngestArgs(["a", "--corpus=kb", "--chunking=sentence"]).chunking).toBe("sentence");
    expect(parseIngestArgs(["--corpus", "kb", "--", "--odd-name.md"]).paths).toEqual([
      "--odd-name.md",
    ]);
  });

  it.each([
    [["a"], /--corpus is required/],
    [["--corpus", "kb"], /<files or folders> give at least one file or folder/],
    [["a", "--corpus", "bad key!"], /--corpus may only contain/],
    [["a", "--corpus"], /--corpus needs a value/],
    [["a", "--corpus", "kb", "--corpus", "kb2"], /--corpus was given twice/],
    [["a", "--corpus", "kb", "--metadata", "novalue"], /--metadata must look like key=value/],
    [["a", "--corpus", "kb", "--chunking", "words"], /--chunking must be 'sentence'/],
    [["a", "--corpus", "kb", "--chunking", "max_chars:99"], /--chunking must be/],
    [["a", "--corpus", "kb", "--prune=yes"], /--prune takes no value/],
    [["a", "--corpus", "kb", "-x"], /unknown option -x/],
  ])("rejects %j", (argv, message) => {
    expect(() => parseIngestArgs(argv)).toThrow(UsageError);
    expect(() => parseIngestArgs(argv)).toThrow(message);
  });

  it("asks for help even with other arguments missing", () => {
    expect(parseIngestArgs(["--help"]).help).toBe(true);
    expect(parseIngestArgs(["-h", "--corpus"]).help).toBe(true);
  });
});
