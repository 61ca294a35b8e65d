import { localApiRoutes } from "@/lib/server/vectara";

// Any other path under the token endpoint's folder, and the folder itself, goes to the
// engine too: a Vectara-shaped 404 (as in remote mode), not Next.js's HTML not-found page.
export const dynamic = "force-dynamic";

export const { GET, POST, PUT, PATCH, DELETE } = localApiRoutes;
