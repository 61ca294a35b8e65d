import { handleLocalApiRequest } from "@/lib/chat/vectara";

// /v2 itself, which the catch-all beside it does not match: the engine answers it (a
// Vectara-shaped 404), rather than Next.js's HTML not-found page.
export const dynamic = "force-dynamic";

export const GET = handleLocalApiRequest;
export const POST = handleLocalApiRequest;
export const PUT = handleLocalApiRequest;
export const PATCH = handleLocalApiRequest;
export const DELETE = handleLocalApiRequest;
