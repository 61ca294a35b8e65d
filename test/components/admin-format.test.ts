import { describe, expect, it } from "vitest";
import { formatBytes, formatDateTime } from "@/components/admin/format";

describe("formatBytes", () => {
  it("says bytes, KB or MB, and — only when the size is unknown", () => {
    expect(formatBytes(undefined)).toBe("—");
    expect(formatBytes(0)).toBe("0 B");
    expect(formatBytes(1023)).toBe("1023 B");
    expect(formatBytes(1024)).toBe("1.0 KB");
    expect(formatBytes(1536)).toBe("1.5 KB");
    expect(formatBytes(5 * 1024 * 1024)).toBe("5.0 MB");
  });
});

describe("formatDateTime", () => {
  it("prints an ISO time in UTC, the same on server and browser", () => {
    expect(formatDateTime("2026-12-04T18:55:07.123Z")).toBe("4 Dec 2026, 18:55 UTC");
    expect(formatDateTime("2026-01-02T00:00:00+02:00")).toBe("1 Jan 2026, 22:00 UTC");
  });

  it("is undefined for no time or not a time", () => {
    expect(formatDateTime(undefined)).toBeUndefined();
    expect(formatDateTime("")).toBeUndefined();
    expect(formatDateTime("yesterday")).toBeUndefined();
  });
});
