import { localApiRoutes } from "@/lib/server/vectara";

// The embedded engine's Vectara-compatible REST API (local mode). It authenticates
// every call by the local API key and answers in Vectara's shapes, so Vectara's
// SDKs and curl work against a local Parley. /v2 itself goes to the engine too (a
// Vectara-shaped 404) rather than to Next.js's HTML not-found page. In remote mode
// every path here is a Vectara-shaped 404.
export const dynamic = "force-dynamic";

export const { GET, POST, PUT, PATCH, DELETE } = localApiRoutes;
