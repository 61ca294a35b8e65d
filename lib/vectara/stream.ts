import { type StreamEvent, toStreamEvent } from "./domain";
import { ProtocolError, StreamError } from "./errors";
import { STREAM_EVENT_TYPES, streamEventSchema } from "./schemas/stream";
import type { SSEMessage } from "./sse";

const KNOWN = new Set<string>(STREAM_EVENT_TYPES);

/**
 * Turns SSE messages into typed events. An `error` event throws StreamError; a
 * stream that stops before `end` throws ProtocolError("truncated_stream"), so a
 * partial answer is never mistaken for a whole one. Unknown event types are
 * skipped, so new Vectara events do not break old clients.
 */
export async function* parseEvents<E extends StreamEvent = StreamEvent>(
  messages: AsyncIterable<SSEMessage>,
): AsyncGenerator<E, void, undefined> {
  let index = 0;
  for await (const message of messages) {
    index++;
    const payload = parsePayload(message, index);
    if (payload === "done") return;
    const type = typeof payload.type === "string" ? payload.type : message.event;
    if (!KNOWN.has(type)) continue;
    const parsed = streamEventSchema.safeParse({ ...payload, type });
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new ProtocolError(
        "malformed_stream",
        `Event ${index} ("${type}") is malformed at ${issue?.path.join(".") || "(root)"}: ${issue?.message}`,
        { cause: parsed.error },
      );
    }
    const event = parsed.data;
    if (event.type === "error") throw new StreamError(event.messages ?? []);
    yield toStreamEvent(event) as E;
    if (event.type === "end") return;
  }
  throw new ProtocolError(
    "truncated_stream",
    `The event stream ended after ${index} event(s) without an "end" event`,
  );
}

function parsePayload(message: SSEMessage, index: number): Record<string, unknown> | "done" {
  const data = message.data.trim();
  if (data === "") return {};
  if (data === "[DONE]") return "done";
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch (cause) {
    const shown = data.length > 120 ? `${data.slice(0, 120)}…` : data;
    throw new ProtocolError(
      "malformed_stream",
      `Event ${index} ("${message.event}") does not carry JSON data: ${shown}`,
      { cause },
    );
  }
  if (json === null || typeof json !== "object" || Array.isArray(json)) {
    throw new ProtocolError("malformed_stream", `Event ${index} data is not a JSON object`);
  }
  return json as Record<string, unknown>;
}

/**
 * A typed event stream. Iterate it once with `for await`; `break` (or `abort()`)
 * aborts the underlying request.
 */
export class EventStream<E extends StreamEvent> implements AsyncIterable<E> {
  private readonly events: AsyncGenerator<E, void, undefined>;
  private used = false;

  constructor(messages: AsyncGenerator<SSEMessage, void>) {
    const events = parseEvents<E>(messages);
    // Closing the event generator closes the message generator, which aborts the request.
    this.events = (async function* () {
      try {
        yield* events;
      } finally {
        await messages.return(undefined);
      }
    })();
  }

  [Symbol.asyncIterator](): AsyncIterator<E> {
    if (this.used) throw new Error("An EventStream can be iterated only once");
    this.used = true;
    return this.events;
  }

  /** Stops reading and closes the connection. */
  async abort(): Promise<void> {
    await this.events.return(undefined);
  }
}
