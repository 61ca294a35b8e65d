import { describe, expect, it } from "vitest";
import { acceptHostMessage } from "@/components/embed/host-messages";

const parent = { name: "the framing window" };
const allowedOrigins = ["http://localhost:3250", "https://www.example.com"];
const from = (origin: string, data: unknown, source: unknown = parent) => ({
  origin,
  source,
  data,
});

describe("the widget frame's host messages", () => {
  it("takes hello, focus and ask from the framing page of an allowed origin", () => {
    const options = { parent, allowedOrigins };
    expect(acceptHostMessage(from("http://localhost:3250", { parley: "hello" }), options)).toEqual({
      parley: "hello",
    });
    expect(
      acceptHostMessage(from("https://www.example.com", { parley: "focus" }), options),
    ).toEqual({ parley: "focus" });
    expect(
      acceptHostMessage(
        from("http://localhost:3250", { parley: "ask", question: "  How do I reset it? " }),
        options,
      ),
    ).toEqual({ parley: "ask", question: "How do I reset it?" });
  });

  it("ignores other origins, other windows and anything malformed", () => {
    const options = { parent, allowedOrigins };
    const ask = { parley: "ask", question: "What is Beacon?" };
    for (const event of [
      from("https://evil.example", ask),
      from("http://localhost:3251", { parley: "hello" }),
      from("null", ask),
      // The right origin, but not the window that frames this one (another frame of it).
      from("http://localhost:3250", ask, { name: "another frame" }),
      from("http://localhost:3250", ask, null),
      from("http://localhost:3250", { parley: "ask", question: "" }),
      from("http://localhost:3250", { parley: "ask", question: "x".repeat(4001) }),
      from("http://localhost:3250", { parley: "ask" }),
      from("http://localhost:3250", { parley: "open-everything" }),
      from("http://localhost:3250", "hello"),
      from("http://localhost:3250", null),
    ]) {
      expect(acceptHostMessage(event, options), JSON.stringify(event)).toBeUndefined();
    }
  });

  it("takes nothing when no origin is allowed", () => {
    expect(
      acceptHostMessage(from("http://localhost:3250", { parley: "hello" }), {
        parent,
        allowedOrigins: [],
      }),
    ).toBeUndefined();
  });
});
