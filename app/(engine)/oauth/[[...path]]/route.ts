import { localApiRoutes } from "@/lib/server/vectara";

// The embedded engine's OAuth 2.0 token endpoint, /oauth/token, in the JSON form
// Vectara's Python SDK sends (local mode only). Every method and every other path under
// /oauth goes to the engine, which answers in the OAuth error shape token clients read
// (a 405 for all but POST) or a Vectara-shaped 404, not Next.js's HTML pages.
export const dynamic = "force-dynamic";

export const { GET, POST, PUT, PATCH, DELETE } = localApiRoutes;
