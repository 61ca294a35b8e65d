import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "@/lib/config";

describe("VECTARA_TIMEOUT_MS", () => {
  it("defaults to 60 s, and empty counts as unset", () => {
    expect(loadConfig({}).vectara.timeoutMs).toBe(60_000);
    expect(loadConfig({ VECTARA_TIMEOUT_MS: " " }).vectara.timeoutMs).toBe(60_000);
  });

  it("reads a whole number of milliseconds", () => {
    expect(loadConfig({ VECTARA_TIMEOUT_MS: "2000" }).vectara.timeoutMs).toBe(2_000);
  });

  it("rejects anything else with a message naming the variable", () => {
    for (const value of ["2s", "1.5", "0", "-1"]) {
      expect(() => loadConfig({ VECTARA_TIMEOUT_MS: value })).toThrow(ConfigError);
    }
    expect(() => loadConfig({ VECTARA_TIMEOUT_MS: "2s" })).toThrow(/VECTARA_TIMEOUT_MS/);
  });
});
