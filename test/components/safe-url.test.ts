import { describe, expect, it } from "vitest";
import { safeUrl } from "@/components/chat/safe-url";

describe("safeUrl", () => {
  it.each([
    ["https://help.example.com/a?b=1#c", "https://help.example.com/a?b=1#c"],
    ["http://example.com", "http://example.com/"],
    ["  https://example.com/x  ", "https://example.com/x"],
    ["mailto:support@example.com", "mailto:support@example.com"],
  ])("keeps %s", (input, output) => {
    expect(safeUrl(input)).toBe(output);
  });

  it.each([
    "javascript:alert(1)",
    " JavaScript:alert(1)",
    "java\nscript:alert(1)",
    "data:text/html;base64,PHNjcmlwdD4=",
    "vbscript:msgbox(1)",
    "file:///etc/passwd",
    "/relative/path",
    "#anchor",
    "//evil.test/x",
    "",
  ])("drops %j", (input) => {
    expect(safeUrl(input)).toBeNull();
  });
});
