import { EngineError } from "../core/errors";

/**
 * Server-sent events in Vectara's framing: one message per event, an
 * `event:<type>` line, one `data:<JSON>` line whose JSON repeats the type, and a
 * blank line. JSON.stringify escapes CR and LF, so the data is always one line.
 * Errors before the stream starts are ordinary JSON error responses (the caller
 * decides them before calling `streamEvents`); an error after the 200 header is an
 * `error` event followed by `end`.
 */
export type StreamEvent = { type: string } & Record<string, unknown>;

export function formatEvent(event: StreamEvent): string {
  return `event:${event.type}\ndata:${JSON.stringify(event)}\n\n`;
}

export type Emit = (event: StreamEvent) => void;

/**
 * A `text/event-stream` response fed by `produce`, which emits events and may
 * throw: an EngineError becomes an `error` event with its message, anything else
 * is logged and reported as "Internal error". `end` is always the last event. When
 * the client goes away, `signal` aborts so `produce` can stop early.
 */
export function streamEvents(
  produce: (emit: Emit, signal: AbortSignal) => Promise<void>,
  log: (message: string) => void,
): Response {
  const encoder = new TextEncoder();
  const abort = new AbortController();
  let closed = false;
  const stream = new ReadableStream<Uint8Array>({
    async start(controller) {
      const emit: Emit = (event) => {
        if (!closed) controller.enqueue(encoder.encode(formatEvent(event)));
      };
      try {
        await produce(emit, abort.signal);
      } catch (error) {
        if (error instanceof EngineError) {
          emit({ type: "error", messages: [error.message] });
        } else {
          log(`engine: unexpected error in a stream: ${String((error as Error)?.stack ?? error)}`);
          emit({ type: "error", messages: ["Internal error"] });
        }
      }
      emit({ type: "end" });
      if (!closed) {
        closed = true;
        controller.close();
      }
    },
    cancel() {
      closed = true;
      abort.abort();
    },
  });
  return new Response(stream, {
    status: 200,
    headers: {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache",
    },
  });
}
