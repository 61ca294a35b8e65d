import { getConfig } from "@/lib/config";
import packageJson from "@/package.json";

// Liveness must reflect the running server, never a response cached at build time.
export const dynamic = "force-dynamic";

export function GET() {
  const { mode } = getConfig();
  return Response.json(
    { status: "ok", mode, version: packageJson.version },
    { headers: { "Cache-Control": "no-store" } },
  );
}
