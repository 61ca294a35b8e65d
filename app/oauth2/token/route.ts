import { localApiRoutes } from "@/lib/server/vectara";

// The embedded engine's OAuth 2.0 token endpoint (client credentials, form-encoded,
// as Vectara's OpenAPI tokenUrl and TypeScript SDK use it). Local mode only; in
// remote mode it is a Vectara-shaped 404 like /v2.
export const dynamic = "force-dynamic";

// Every method goes to the engine, which answers all but POST with a 405 in the OAuth
// error shape that token clients read.
export const { GET, POST, PUT, PATCH, DELETE } = localApiRoutes;
