/**
 * A Server-Sent Events decoder that follows the WHATWG event-stream rules and is
 * forgiving where real servers differ: events split anywhere across network chunks
 * (even inside a multi-byte character or between `\r` and `\n`), CRLF, CR or LF
 * line ends, comment lines, `data:` with or without a space, and a last event with
 * no closing blank line.
 */

export interface SSEMessage {
  /** The `event:` field, or `"message"` when the event named none. */
  event: string;
  data: string;
  id?: string;
}

export class SSEDecoder {
  private readonly text = new TextDecoder("utf-8");
  private buffer = "";
  private started = false;
  private data: string[] = [];
  private eventType = "";
  private lastId: string | undefined;

  /** Feeds one network chunk; returns the events it completed. */
  push(chunk: Uint8Array): SSEMessage[] {
    return this.feed(this.text.decode(chunk, { stream: true }), false);
  }

  /** Ends the stream; returns a last event that had no closing blank line. */
  end(): SSEMessage[] {
    const out = this.feed(this.text.decode(), true);
    if (this.data.length > 0) out.push(this.dispatch());
    return out;
  }

  private feed(text: string, final: boolean): SSEMessage[] {
    let buf = this.buffer + text;
    if (!this.started && buf.length > 0) {
      this.started = true;
      if (buf.charCodeAt(0) === 0xfeff) buf = buf.slice(1);
    }
    const out: SSEMessage[] = [];
    let start = 0;
    let i = 0;
    while (i < buf.length) {
      const c = buf.charCodeAt(i);
      if (c !== 10 && c !== 13) {
        i++;
        continue;
      }
      // A CR at the very end may be the first half of a CRLF split across chunks.
      if (c === 13 && i === buf.length - 1 && !final) break;
      this.line(buf.slice(start, i), out);
      i += c === 13 && buf.charCodeAt(i + 1) === 10 ? 2 : 1;
      start = i;
    }
    this.buffer = buf.slice(start);
    if (final && this.buffer.length > 0) {
      this.line(this.buffer, out);
      this.buffer = "";
    }
    return out;
  }

  private line(line: string, out: SSEMessage[]): void {
    if (line === "") {
      if (this.data.length > 0) out.push(this.dispatch());
      else this.eventType = "";
      return;
    }
    if (line.startsWith(":")) return; // comment, often a keep-alive
    const colon = line.indexOf(":");
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    switch (field) {
      case "data":
        this.data.push(value);
        break;
      case "event":
        this.eventType = value;
        break;
      case "id":
        if (!value.includes("\0")) this.lastId = value;
        break;
      default:
        break; // `retry` and unknown fields are ignored
    }
  }

  private dispatch(): SSEMessage {
    const message: SSEMessage = { event: this.eventType || "message", data: this.data.join("\n") };
    if (this.lastId !== undefined) message.id = this.lastId;
    this.data = [];
    this.eventType = "";
    return message;
  }
}

/** Decodes a byte stream into SSE messages. */
export async function* decodeSSE(
  chunks: AsyncIterable<Uint8Array>,
): AsyncGenerator<SSEMessage, void, undefined> {
  const decoder = new SSEDecoder();
  for await (const chunk of chunks) yield* decoder.push(chunk);
  yield* decoder.end();
}
