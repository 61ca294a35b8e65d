import { noSuchRoute } from "@/lib/http/fallbacks";

// Any /api path no route handler serves: a 404 in the API error shape, not Next.js's HTML
// not-found page; /api itself too. Every route under /api is more specific, so this never
// shadows one.
export const dynamic = "force-dynamic";

export const GET = noSuchRoute;
export const POST = noSuchRoute;
export const PUT = noSuchRoute;
export const PATCH = noSuchRoute;
export const DELETE = noSuchRoute;
