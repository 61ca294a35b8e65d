import { localApiRoutes } from "@/lib/server/vectara";

// The embedded engine's OAuth 2.0 token endpoint, /oauth2/token (client credentials,
// form-encoded, as Vectara's OpenAPI tokenUrl and TypeScript SDK use it; local mode
// only). Every method and every other path under /oauth2 goes to the engine, which
// answers in the OAuth error shape token clients read (a 405 for all but POST) or a
// Vectara-shaped 404, not Next.js's HTML pages.
export const dynamic = "force-dynamic";

export const { GET, POST, PUT, PATCH, DELETE } = localApiRoutes;
