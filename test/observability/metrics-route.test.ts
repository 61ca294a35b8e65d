import { describe, expect, it, vi } from "vitest";
import { tempDir } from "../support/files";

vi.mock("server-only", () => ({}));

const TOKEN = "metrics-token-for-the-test-0123456789";
vi.stubEnv("METRICS_TOKEN", TOKEN);
vi.stubEnv("DATA_DIR", tempDir("parley-metrics-"));
vi.stubEnv("VECTARA_API_KEY", "");
vi.stubEnv("VECTARA_CLIENT_ID", "");
vi.stubEnv("VECTARA_CLIENT_SECRET", "");

const { GET, POST } = await import("@/app/api/metrics/route");
const { logRequest } = await import("@/lib/observability/http");
const { toAppError } = await import("@/lib/http/upstream-errors");
const { APIError } = await import("@/lib/vectara");
// Registers the engine's gauges, as instrumentation does when the server starts.
await import("@/lib/server/vectara");

const URL = "http://parley.test/api/metrics";
const scrape = (authorization?: string) =>
  GET(new Request(URL, { headers: authorization ? { authorization } : {} }));

async function expectNotFound(response: Response) {
  expect(response.status).toBe(404);
  const body = (await response.json()) as Record<string, unknown>;
  expect(body).toEqual({ messages: [expect.any(String)], request_id: expect.any(String) });
  expect(JSON.stringify(body)).not.toContain(TOKEN);
}

describe("GET /api/metrics", () => {
  it("is a 404 in the API's shape without the token or with a wrong one", async () => {
    await expectNotFound(await scrape());
    await expectNotFound(await scrape(`Bearer ${TOKEN}x`));
    await expectNotFound(await scrape(`Bearer ${TOKEN.slice(0, -1)}`));
    await expectNotFound(await scrape(`Basic ${TOKEN}`));
    await expectNotFound(await scrape(TOKEN));
    await expectNotFound(
      await POST(
        new Request(URL, { method: "POST", headers: { authorization: `Bearer ${TOKEN}` } }),
      ),
    );
  });

  it("answers Prometheus text with the token, with the expected metrics", async () => {
    // A request through the server's log hook, and a failure upstream.
    logRequest({
      context: { requestId: "r-1" },
      method: "GET",
      url: "/api/chats/cht_123?x=1",
      status: 200,
      latencyMs: 3,
    });
    toAppError(new APIError(503, { messages: ["down"] }, new Headers()), { audience: "visitor" });

    const response = await scrape(`Bearer ${TOKEN}`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    for (const name of [
      "parley_http_requests_total",
      "parley_chat_first_token_seconds",
      "parley_chat_answer_seconds",
      "parley_upstream_errors_total",
      "parley_rate_limited_total",
      "parley_sign_in_failures_total",
      "parley_engine_queue_depth",
      "parley_engine_worker_utilisation",
    ]) {
      expect(text).toContain(`# TYPE ${name}`);
    }
    expect(text).toContain(
      'parley_http_requests_total{route="/api/chats/:id",method="GET",status="200"} 1',
    );
    expect(text).toContain('parley_upstream_errors_total{kind="unavailable"} 1');
    expect(text).not.toContain("cht_123");
  });
});
