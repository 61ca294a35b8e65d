import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach } from "vitest";
import { createEngine, type Engine, type EngineOptions } from "@/lib/engine";
import { createVectaraClient, type VectaraClient } from "@/lib/vectara";

export interface EngineFixture {
  engine: Engine;
  /** A client with the engine's personal key, talking to it in-process. */
  client: VectaraClient;
  /** A client for any other key (or none). */
  clientWith(apiKey?: string): VectaraClient;
  dataDir: string;
}

const open: Array<() => void> = [];
afterEach(() => {
  for (const close of open.splice(0)) close();
});

/** A fresh engine in its own temporary data directory, closed after the test. */
export function makeEngine(options: Partial<EngineOptions> = {}): EngineFixture {
  const dataDir = mkdtempSync(path.join(tmpdir(), "parley-engine-"));
  const engine = createEngine({ dataDir, log: () => undefined, ...options });
  open.push(() => {
    engine.close();
    rmSync(dataDir, { recursive: true, force: true });
  });
  const clientWith = (apiKey?: string) =>
    createVectaraClient({
      baseUrl: "http://parley.local",
      fetch: engine.handle,
      auth: apiKey ? { type: "api_key", apiKey } : undefined,
      maxRetries: 0,
    });
  return { engine, client: clientWith(engine.apiKey), clientWith, dataDir };
}
