import { performance } from "node:perf_hooks";
import { decodeSSE } from "@/lib/vectara/sse";
import { parseEvents } from "@/lib/vectara/stream";
import { fmt } from "./stats";

/** Decoding speed of the SSE parser plus typed event parsing, for a long answer. */
export async function benchSse() {
  const chunkEvents = 20_000;
  let text = `event:search_results\ndata:${JSON.stringify({ type: "search_results", search_results: [] })}\n\n`;
  for (let i = 0; i < chunkEvents; i++) {
    text += `event:generation_chunk\ndata:${JSON.stringify({ type: "generation_chunk", generation_chunk: `word ${i} — café ` })}\n\n`;
  }
  text += `event:end\ndata:{"type":"end"}\n\n`;
  const bytes = new TextEncoder().encode(text);
  const chunkSize = 1024;

  const runs: number[] = [];
  for (let run = 0; run < 5; run++) {
    const start = performance.now();
    async function* chunks() {
      for (let i = 0; i < bytes.length; i += chunkSize) yield bytes.subarray(i, i + chunkSize);
    }
    let n = 0;
    for await (const _ of parseEvents(decodeSSE(chunks()))) n++;
    runs.push(performance.now() - start);
    if (n !== chunkEvents + 2) throw new Error(`expected ${chunkEvents + 2} events, got ${n}`);
  }
  const best = Math.min(...runs);
  const mb = bytes.length / 1024 / 1024;
  console.log(
    `sse decode+parse: ${fmt(mb)} MiB, ${chunkEvents + 2} events in 1 KiB chunks: best ${fmt(best, 1)} ms = ${fmt(mb / (best / 1000), 1)} MiB/s, ${fmt((chunkEvents + 2) / (best / 1000) / 1000, 0)}k events/s`,
  );
}
