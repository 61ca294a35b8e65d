import { getConfig } from "@/lib/config";
import { noSuchRoute } from "@/lib/http/fallbacks";
import { route } from "@/lib/http/route";
import { bearerMatches, renderMetrics } from "@/lib/observability/metrics";

// Metrics are read at each scrape, never at build time.
export const dynamic = "force-dynamic";

/**
 * Prometheus's text format, for a scraper holding METRICS_TOKEN as its bearer token.
 * Without the token (or with none configured) the route does not exist: the API's 404,
 * for every method, so that it cannot be told apart from a path nothing serves.
 */
export const GET = route("visitor", async (request: Request): Promise<Response> => {
  const token = getConfig().metricsToken;
  if (!token || !bearerMatches(request.headers.get("authorization"), token)) {
    return noSuchRoute(request);
  }
  const { body, contentType } = await renderMetrics();
  return new Response(body, {
    headers: { "content-type": contentType, "cache-control": "no-store" },
  });
});

export const POST = noSuchRoute;
export const PUT = noSuchRoute;
export const PATCH = noSuchRoute;
export const DELETE = noSuchRoute;
