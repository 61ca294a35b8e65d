import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/**
 * The shared reference folder sits beside the repository (`../shared/reference`),
 * or where SHARED_DIR points. It is not copied into the repo; tests that need it
 * skip, saying why, in a clone that lacks it.
 */
export const referenceDir = path.resolve(
  process.env.SHARED_DIR
    ? path.join(process.env.SHARED_DIR, "reference")
    : path.join(root, "../shared/reference"),
);
export const specPath = path.join(referenceDir, "vectara-openapi-v2.yaml");
export const hasSpec = existsSync(specPath);
export const missingSpecReason = `skipped: ${specPath} not found (the shared reference folder is not part of the repository; set SHARED_DIR to point at it)`;

export interface SpecExample {
  operationId: string;
  method: string;
  path: string;
  /** "request" or the response status code. */
  kind: string;
  contentType: string;
  name: string;
  value: unknown;
}

type Json = Record<string, unknown>;

export function loadSpecExamples(): SpecExample[] {
  const spec = parse(readFileSync(specPath, "utf8"), { maxAliasCount: -1 }) as Json;
  const out: SpecExample[] = [];
  for (const [p, item] of Object.entries(spec.paths as Record<string, Json>)) {
    for (const [method, raw] of Object.entries(item)) {
      const op = raw as Json;
      if (typeof op !== "object" || op === null || typeof op.operationId !== "string") continue;
      const operationId = op.operationId;
      const collect = (kind: string, content: Json | undefined) => {
        for (const [contentType, media] of Object.entries(content ?? {})) {
          const m = media as Json;
          if ("example" in m)
            out.push({
              operationId,
              method,
              path: p,
              kind,
              contentType,
              name: "example",
              value: m.example,
            });
          for (const [name, ex] of Object.entries((m.examples as Json | undefined) ?? {})) {
            out.push({
              operationId,
              method,
              path: p,
              kind,
              contentType,
              name,
              value: (ex as Json).value,
            });
          }
        }
      };
      collect("request", (op.requestBody as Json | undefined)?.content as Json | undefined);
      for (const [status, response] of Object.entries((op.responses as Json | undefined) ?? {})) {
        collect(status, (response as Json).content as Json | undefined);
      }
    }
  }
  return out;
}
