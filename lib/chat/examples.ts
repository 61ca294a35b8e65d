import "server-only";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { DEMO_KB_DIR } from "@/lib/ingest/kb";
import { errorFields, getLogger } from "@/lib/observability/log";

/**
 * Example questions for the home screen, each pointing at the article that answers
 * it. Read from `content/demo-kb/examples.json`, or from the file named by
 * `PARLEY_EXAMPLES_FILE` (read here rather than in lib/config.ts: only this loader
 * uses it, and a bad file must not stop the server, just hide the examples).
 */
export const examplesFileSchema = z.object({
  examples: z.array(
    z.object({
      question: z.string().trim().min(1),
      /** The answering article's document id, e.g. `billing/refund-policy.md`. */
      article: z.string().trim().min(1),
    }),
  ),
});

export type ExampleQuestion = z.infer<typeof examplesFileSchema>["examples"][number];

export class ExamplesFileError extends Error {
  override name = "ExamplesFileError";
}

export function resolveExamplesFile(env: Record<string, string | undefined> = process.env): string {
  const override = env.PARLEY_EXAMPLES_FILE?.trim();
  // The file is a runtime setting, so the build must not trace it (Turbopack would
  // otherwise include the whole project in the server output, and warn about it).
  return path.resolve(
    /* turbopackIgnore: true */ process.cwd(),
    override || path.join(DEMO_KB_DIR, "examples.json"),
  );
}

/** Throws ExamplesFileError naming the file and what is wrong with it. */
export async function listExampleQuestions({
  file = resolveExamplesFile(),
}: {
  file?: string;
} = {}): Promise<ExampleQuestion[]> {
  let text: string;
  try {
    text = await readFile(/* turbopackIgnore: true */ file, "utf8");
  } catch (error) {
    throw new ExamplesFileError(
      `Cannot read the example questions in ${file}: ${(error as Error).message}`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ExamplesFileError(`${file} is not valid JSON: ${(error as Error).message}`);
  }
  const parsed = examplesFileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ExamplesFileError(
      `${file} is invalid at ${issue?.path.join(".") || "the top level"}: ${issue?.message}`,
    );
  }
  return parsed.data.examples;
}

/**
 * The home screen's example questions, or none when the file is broken or missing: a
 * bad examples file hides the examples (with a warning in the log), never breaks a page.
 */
export async function homeScreenExamples(): Promise<string[]> {
  try {
    return (await listExampleQuestions()).map((e) => e.question);
  } catch (error) {
    if (!(error instanceof ExamplesFileError)) throw error;
    getLogger().warn(errorFields(error), "the examples file cannot be read");
    return [];
  }
}
