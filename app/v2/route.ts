import { localApiRoutes } from "@/lib/server/vectara";

// /v2 itself, which the catch-all beside it does not match: the engine answers it (a
// Vectara-shaped 404), rather than Next.js's HTML not-found page.
export const dynamic = "force-dynamic";

export const { GET, POST, PUT, PATCH, DELETE } = localApiRoutes;
