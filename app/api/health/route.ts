import { getConfig } from "@/lib/config";
import { otherMethods } from "@/lib/http/fallbacks";
import { cachedUpstreamProbe, probeUpstream, type UpstreamHealth } from "@/lib/server/health";
import { readiness } from "@/lib/server/readiness";
import { getVectaraClient } from "@/lib/server/vectara";
import packageJson from "@/package.json";

// Liveness must reflect the running server, never a response cached at build time.
export const dynamic = "force-dynamic";

/** Any other method: 405 in the API error shape (Next.js would answer an empty one). */
export const { POST, PUT, PATCH, DELETE } = otherMethods(["GET"]);

const NO_STORE = { "Cache-Control": "no-store" };

/** Remote mode's upstream probe, shared by every request for 5 s. */
const upstream = cachedUpstreamProbe(() => {
  const config = getConfig();
  return probeUpstream({ client: getVectaraClient(config), corpusKey: config.vectara.corpusKey });
});

/**
 * Always 200 while the server runs: this is liveness. In remote mode it also says whether
 * Vectara answers (`status: "degraded"` when not), so an operator sees an upstream problem
 * without reading logs. Nothing in the body comes from configuration secrets.
 *
 * `?ready=1` is readiness (`lib/server/readiness.ts`): 200 when the app database, the
 * engine (local) or Vectara (remote) and first-start seeding (local) are all fine, 503
 * otherwise, with each check's result.
 */
export async function GET(request: Request) {
  const { mode } = getConfig();
  const base = { mode, version: packageJson.version };
  if (new URL(request.url).searchParams.get("ready") === "1") {
    const { ready, checks } = await readiness(upstream);
    return Response.json(
      { status: ready ? "ready" : "not_ready", ...base, checks },
      { status: ready ? 200 : 503, headers: NO_STORE },
    );
  }
  if (mode === "local") return Response.json({ status: "ok", ...base }, { headers: NO_STORE });
  let health: UpstreamHealth;
  try {
    health = await upstream();
  } catch {
    health = { reachable: false, latencyMs: 0 };
  }
  return Response.json(
    { status: health.reachable ? "ok" : "degraded", ...base, upstream: health },
    { headers: NO_STORE },
  );
}
