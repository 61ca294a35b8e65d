import { describe, expect, it } from "vitest";
import { ProtocolError, StreamError } from "@/lib/vectara/errors";
import { decodeSSE, SSEDecoder, type SSEMessage } from "@/lib/vectara/sse";
import { parseEvents } from "@/lib/vectara/stream";
import { recordedAnswer, recordedChatStream, recordedEvents } from "../fixtures/chat-stream";

const encoder = new TextEncoder();

function decodeChunks(chunks: Uint8Array[]): SSEMessage[] {
  const d = new SSEDecoder();
  const out = chunks.flatMap((c) => d.push(c));
  return [...out, ...d.end()];
}

function splitAt(bytes: Uint8Array, ...cuts: number[]): Uint8Array[] {
  const points = [0, ...cuts, bytes.length];
  return points.slice(1).map((end, i) => bytes.slice(points[i], end));
}

async function* from<T>(items: T[]): AsyncGenerator<T> {
  yield* items;
}

describe("SSEDecoder", () => {
  const bytes = encoder.encode(recordedChatStream);
  const whole = decodeChunks([bytes]);

  it("decodes the recorded stream into its events", () => {
    expect(whole.map((m) => m.event)).toEqual(recordedEvents.map((e) => e.type));
    expect(whole.map((m) => JSON.parse(m.data))).toEqual(recordedEvents);
  });

  it("gives the same events for a split at every byte boundary", () => {
    for (let cut = 1; cut < bytes.length; cut++) {
      expect(decodeChunks(splitAt(bytes, cut)), `split at byte ${cut}`).toEqual(whole);
    }
  });

  it("gives the same events one byte at a time", () => {
    const singles = Array.from(bytes, (b) => Uint8Array.of(b));
    expect(decodeChunks(singles)).toEqual(whole);
  });

  it("accepts CRLF and CR line ends, even with CRLF split across chunks", () => {
    const crlf = encoder.encode(recordedChatStream.replaceAll("\n", "\r\n"));
    for (let cut = 1; cut < crlf.length; cut++) {
      expect(decodeChunks(splitAt(crlf, cut)), `CRLF split at ${cut}`).toEqual(whole);
    }
    expect(decodeChunks([encoder.encode(recordedChatStream.replaceAll("\n", "\r"))])).toEqual(
      whole,
    );
  });

  it("skips comment lines and accepts a space after the colon", () => {
    const text = `: keep-alive\n\nevent: generation_chunk\n: a comment inside an event\ndata: {"type":"generation_chunk","generation_chunk":"hi"}\n\n`;
    expect(decodeChunks([encoder.encode(text)])).toEqual([
      { event: "generation_chunk", data: '{"type":"generation_chunk","generation_chunk":"hi"}' },
    ]);
  });

  it("keeps the value's own leading spaces beyond the first", () => {
    expect(decodeChunks([encoder.encode("data:  two spaces\n\n")])).toEqual([
      { event: "message", data: " two spaces" },
    ]);
  });

  it("joins multi-line data with newlines and keeps the last id", () => {
    expect(decodeChunks([encoder.encode("id: 7\ndata: a\ndata: b\n\n")])).toEqual([
      { event: "message", data: "a\nb", id: "7" },
    ]);
  });

  it("dispatches a last event that has no closing blank line", () => {
    const text = recordedChatStream.replace(/\n\n$/, "");
    expect(decodeChunks([encoder.encode(text)])).toEqual(whole);
    expect(decodeChunks([encoder.encode(`${text.slice(0, -1)}`)]).at(-1)?.event).toBe("end");
  });

  it("strips a byte-order mark", () => {
    expect(decodeChunks([encoder.encode(`\uFEFF${recordedChatStream}`)])).toEqual(whole);
  });
});

describe("parseEvents", () => {
  const messages = () => decodeSSE(from([encoder.encode(recordedChatStream)]));

  it("maps the recorded stream to typed domain events", async () => {
    const events = [];
    for await (const e of parseEvents(messages())) events.push(e);
    expect(events.map((e) => e.type)).toEqual(recordedEvents.map((e) => e.type));
    const answer = events.flatMap((e) => (e.type === "generation_chunk" ? [e.text] : [])).join("");
    expect(answer).toBe(recordedAnswer);
    const first = events[0];
    expect(first?.type === "search_results" && first.searchResults[0]).toMatchObject({
      documentId: "password-reset",
      corpusKey: "support_kb",
      requestCorporaIndex: 0,
      documentMetadata: { title: "Password reset" },
    });
    expect(events.find((e) => e.type === "chat_info")).toEqual({
      type: "chat_info",
      chatId: "cht_5f0c7a1e-2b7d-4c55-9f3e-1d2a3b4c5d6e",
      turnId: "trn_5f0c7a1e-2b7d-4c55-9f3e-1d2a3b4c5d6e",
    });
    expect(events.find((e) => e.type === "factual_consistency_score")).toEqual({
      type: "factual_consistency_score",
      score: 0.87,
    });
  });

  async function drain(text: string) {
    const out = [];
    for await (const e of parseEvents(decodeSSE(from([encoder.encode(text)])))) out.push(e);
    return out;
  }

  it("throws StreamError with Vectara's messages on an error event", async () => {
    const text =
      'event:error\ndata:{"type":"error","messages":["INVALID_ARGUMENT: The filter expression contains an error."]}\n\nevent:end\ndata:{"type":"end"}\n\n';
    const error = await drain(text).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StreamError);
    expect((error as StreamError).messages).toEqual([
      "INVALID_ARGUMENT: The filter expression contains an error.",
    ]);
  });

  it("reports data that is not JSON as a malformed stream, naming the event", async () => {
    const error = await drain('event:generation_chunk\ndata:{"type":"generation_chunk",\n\n').catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ProtocolError);
    expect(error).toMatchObject({ kind: "malformed_stream" });
    expect((error as Error).message).toMatch(
      /Event 1 \("generation_chunk"\) does not carry JSON data/,
    );
  });

  it("reports a known event with the wrong shape", async () => {
    const error = await drain('data:{"type":"generation_chunk","generation_chunk":42}\n\n').catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ kind: "malformed_stream" });
    expect((error as Error).message).toMatch(/generation_chunk/);
  });

  it("reports a stream that stops before its end event as truncated", async () => {
    const cut = recordedChatStream.slice(0, recordedChatStream.indexOf("event:generation_info"));
    const error = await drain(cut).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: "truncated_stream" });
  });

  it("skips event types it does not know and takes the type from the event line when data lacks it", async () => {
    const events = await drain(
      'event:audio\ndata:{"type":"audio","x":1}\n\nevent:generation_chunk\ndata:{"generation_chunk":"a"}\n\nevent:end\ndata:\n\n',
    );
    expect(events).toEqual([{ type: "generation_chunk", text: "a" }, { type: "end" }]);
  });
});
