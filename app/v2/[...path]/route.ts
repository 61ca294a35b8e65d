import { localApiRoutes } from "@/lib/server/vectara";

// The embedded engine's Vectara-compatible REST API (local mode). It authenticates
// every call by the local API key and answers in Vectara's shapes, so Vectara's
// SDKs and curl work against a local Parley.
export const dynamic = "force-dynamic";

export const { GET, POST, PUT, PATCH, DELETE } = localApiRoutes;
