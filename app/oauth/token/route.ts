import { handleLocalApiRequest } from "@/lib/chat/vectara";

// The embedded engine's OAuth 2.0 token endpoint in the JSON form Vectara's Python
// SDK sends. Local mode only; in remote mode it is a Vectara-shaped 404 like /v2.
export const dynamic = "force-dynamic";

export const POST = handleLocalApiRequest;
