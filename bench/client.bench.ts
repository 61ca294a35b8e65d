import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { performance } from "node:perf_hooks";
import { createVectaraClient } from "@/lib/vectara";
import { fmt, summarize } from "./stats";

/**
 * The client's own cost per call over loopback HTTP: validation, headers, fetch,
 * JSON parsing and mapping to domain types, against a server that answers at once.
 */
export async function benchClient() {
  const chats = Array.from({ length: 50 }, (_, i) => ({
    id: `cht_${i}`,
    first_query: `question ${i}`,
    first_answer: `answer ${i} `.repeat(20),
    enabled: true,
    created_at: new Date(0).toISOString(),
  }));
  const listBody = JSON.stringify({ chats, metadata: {} });
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(listBody);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  const client = createVectaraClient({
    baseUrl: `http://127.0.0.1:${port}`,
    auth: { type: "api_key", apiKey: "zut_bench" },
  });

  for (let i = 0; i < 50; i++) await client.chats.list({ limit: 50 }); // warm-up
  const samples: number[] = [];
  for (let i = 0; i < 1000; i++) {
    const start = performance.now();
    await client.chats.list({ limit: 50 });
    samples.push(performance.now() - start);
  }
  const s = summarize(samples);
  const rss = process.memoryUsage().rss / 1024 / 1024;
  console.log(
    `client chats.list (50 chats, loopback HTTP): n=${s.n} p50 ${fmt(s.p50)} ms, p95 ${fmt(s.p95)} ms, max ${fmt(s.max)} ms; rss ${fmt(rss, 0)} MiB`,
  );
  await new Promise<void>((r) => server.close(() => r()));
}
