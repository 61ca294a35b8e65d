import "server-only";
import { cookies } from "next/headers";
import { annotateRequest } from "@/lib/observability/context";
import { getAuthSecret } from "./secret";
import { VISITOR_COOKIE, verifyVisitorToken } from "./visitor-token";

/**
 * The current request's visitor, from the signed cookie that proxy.ts sets.
 * Null when the cookie is missing or forged; callers decide what that means.
 */
export async function getVisitorId(): Promise<string | null> {
  const token = (await cookies()).get(VISITOR_COOKIE)?.value;
  if (!token) return null;
  const visitorId = await verifyVisitorToken({ secret: await getAuthSecret(), token });
  if (visitorId) annotateRequest({ visitorId });
  return visitorId;
}
