import { createHash } from "node:crypto";
import { readdir, stat } from "node:fs/promises";
import path from "node:path";

/** A file found under one of the ingested paths. */
export interface SourceFile {
  /** Absolute path on disk. */
  absPath: string;
  /** Document id: the path relative to the ingested root, with POSIX separators. */
  id: string;
}

export interface WalkResult {
  files: SourceFile[];
  /** Inputs that could not be read at all (missing path, permission denied). */
  missing: Array<{ path: string; reason: string }>;
}

const SKIPPED_DIRS = new Set(["node_modules"]);

/**
 * Finds every file under the given paths. A folder is its own root (ids are relative
 * to it); a file given directly is identified by its base name. Dotfiles, dot-folders
 * and node_modules are skipped; symlinked folders are not followed, so a link cycle
 * cannot make the walk endless. Sorted by id, so runs are reproducible.
 */
export async function walkPaths(
  inputs: readonly string[],
  { extensions }: { extensions?: string[] } = {},
): Promise<WalkResult> {
  const files: SourceFile[] = [];
  const missing: WalkResult["missing"] = [];
  const wanted = extensions?.map((e) => e.toLowerCase().replace(/^\./, ""));
  const keep = (name: string) => !wanted || wanted.includes(extensionOf(name));

  for (const input of inputs) {
    const root = path.resolve(input);
    let info: Awaited<ReturnType<typeof stat>>;
    try {
      info = await stat(root);
    } catch (error) {
      missing.push({ path: input, reason: describeFsError(error) });
      continue;
    }
    if (info.isFile()) {
      if (keep(root)) files.push({ absPath: root, id: path.basename(root) });
      continue;
    }
    const stack = [root];
    while (stack.length) {
      const dir = stack.pop() as string;
      const entries = await readdir(dir, { withFileTypes: true });
      for (const entry of entries) {
        if (entry.name.startsWith(".")) continue;
        const abs = path.join(dir, entry.name);
        let isFile = entry.isFile();
        if (entry.isDirectory()) {
          if (!SKIPPED_DIRS.has(entry.name)) stack.push(abs);
          continue;
        }
        if (entry.isSymbolicLink()) {
          const target = await stat(abs).catch(() => undefined);
          isFile = target?.isFile() ?? false;
        }
        if (isFile && keep(entry.name)) {
          files.push({ absPath: abs, id: path.relative(root, abs).split(path.sep).join("/") });
        }
      }
    }
  }
  files.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { files, missing };
}

export function extensionOf(name: string): string {
  return /\.([^./\\]+)$/.exec(name)?.[1]?.toLowerCase() ?? "";
}

export function sha256(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

export function describeFsError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "ENOENT") return "no such file or directory";
  if (code === "EACCES") return "permission denied";
  return error instanceof Error ? error.message : String(error);
}
